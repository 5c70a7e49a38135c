//! Site URL normalisation for the per-owner uniqueness check (api.md §6.2): scheme and host lowercased, default
//! port dropped, query and fragment dropped, trailing `/` removed from the path.

pub fn normalize_site_url(raw: &str) -> String {
    match url::Url::parse(raw.trim()) {
        Ok(url) => {
            let scheme = url.scheme().to_ascii_lowercase();
            let host = url.host_str().unwrap_or("").to_ascii_lowercase();
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let path = url.path().trim_end_matches('/');
            format!("{scheme}://{host}{port}{path}")
        }
        Err(_) => raw.trim().to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_site_url;

    #[test]
    fn equivalent_spellings_normalise_alike() {
        assert_eq!(
            normalize_site_url("https://Acme.example/"),
            normalize_site_url("https://acme.example")
        );
        assert_eq!(
            normalize_site_url("https://acme.example:443/a/?q=1#f"),
            "https://acme.example/a"
        );
        assert_ne!(
            normalize_site_url("http://acme.example"),
            normalize_site_url("https://acme.example")
        );
        assert_eq!(
            normalize_site_url("http://acme.example:8080/"),
            "http://acme.example:8080"
        );
    }
}
