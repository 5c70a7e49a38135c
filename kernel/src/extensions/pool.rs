//! Evaluation threads (extensions.md §4.5): guest calls never run on tokio's async workers.
//!
//! N threads (`siloq-ext-0` ...) take jobs from two lanes, interactive first. Callers hold a permit of their
//! lane's semaphore while their job exists (N interactive, B background), so at most N + B jobs are queued or
//! running, always below the engine's instance slots. A panicking job is caught at the job boundary and reported
//! as `host_error`; the thread carries on.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, oneshot};

/// Which queue a job joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Page syncs and SEO-data posts: someone waits for the answer.
    Interactive,
    /// Re-scoring jobs.
    Background,
}

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Queues {
    interactive: VecDeque<Job>,
    background: VecDeque<Job>,
    closed: bool,
}

struct Shared {
    queues: Mutex<Queues>,
    ready: Condvar,
}

/// Why a job did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// No evaluation thread became free within the wait (interactive lane only).
    #[error("every evaluation thread stayed busy for the whole wait")]
    Busy,
    /// The job panicked (a kernel bug); the thread survived.
    #[error("the evaluation job panicked: {0}")]
    Panicked(String),
    /// The pool is shutting down.
    #[error("the evaluation pool is closed")]
    Closed,
}

/// The evaluation threads and the lanes' permits.
pub struct Pool {
    shared: Arc<Shared>,
    interactive: Semaphore,
    background: Semaphore,
    threads: usize,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Starts `threads` evaluation threads; the background lane gets `background` permits.
    pub fn start(threads: usize, background: usize) -> std::io::Result<Pool> {
        let threads = threads.max(1);
        let shared = Arc::new(Shared {
            queues: Mutex::new(Queues::default()),
            ready: Condvar::new(),
        });
        for i in 0..threads {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("siloq-ext-{i}"))
                .spawn(move || worker(&shared))?;
        }
        Ok(Pool {
            shared,
            interactive: Semaphore::new(threads),
            background: Semaphore::new(background.max(1)),
            threads,
        })
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on an evaluation thread and waits for its result. The interactive lane waits at most `wait`
    /// for a permit; the background lane waits as long as it takes.
    pub async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        wait: Duration,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let _permit = match lane {
            Lane::Interactive => tokio::time::timeout(wait, self.interactive.acquire())
                .await
                .map_err(|_| PoolError::Busy)?
                .map_err(|_| PoolError::Closed)?,
            Lane::Background => self
                .background
                .acquire()
                .await
                .map_err(|_| PoolError::Closed)?,
        };
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
                let text = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                PoolError::Panicked(text)
            });
            let _ = tx.send(outcome);
        });
        {
            let mut queues = self.shared.queues.lock().unwrap_or_else(|e| e.into_inner());
            if queues.closed {
                return Err(PoolError::Closed);
            }
            match lane {
                Lane::Interactive => queues.interactive.push_back(job),
                Lane::Background => queues.background.push_back(job),
            }
        }
        self.shared.ready.notify_one();
        rx.await.map_err(|_| PoolError::Closed)?
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared
            .queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .closed = true;
        self.shared.ready.notify_all();
    }
}

fn worker(shared: &Shared) {
    loop {
        let job = {
            let mut queues = shared.queues.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = queues.interactive.pop_front() {
                    break job;
                }
                if let Some(job) = queues.background.pop_front() {
                    break job;
                }
                if queues.closed {
                    return;
                }
                queues = shared.ready.wait(queues).unwrap_or_else(|e| e.into_inner());
            }
        };
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_off_the_executor_and_panics_are_contained() {
        let pool = Pool::start(2, 1).unwrap();
        let name = pool
            .run(Lane::Interactive, Duration::from_secs(1), || {
                std::thread::current().name().map(str::to_string)
            })
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("siloq-ext-"));
        let err = pool
            .run(Lane::Background, Duration::ZERO, || -> u8 {
                panic!("boom")
            })
            .await
            .unwrap_err();
        assert_eq!(err, PoolError::Panicked("boom".into()));
        assert_eq!(
            pool.run(Lane::Interactive, Duration::from_secs(1), || 7)
                .await
                .unwrap(),
            7
        );
    }

    #[tokio::test]
    async fn an_interactive_caller_gives_up_after_its_wait() {
        let pool = Arc::new(Pool::start(1, 1).unwrap());
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(Lane::Interactive, Duration::from_secs(5), move || {
                    let _ = hold.recv();
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let waited = pool
            .run(Lane::Interactive, Duration::from_millis(50), || ())
            .await;
        assert_eq!(waited, Err(PoolError::Busy));
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
    }
}
