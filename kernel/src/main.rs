//! The `siloq` binary: parse the command line and hand over to the kernel library.

fn main() -> std::process::ExitCode {
    siloq_kernel::cli::main()
}
