//! Every HTTP client oncall makes starts here, so each speaks TLS the same
//! way: rustls with ring as its cryptography. reqwest's own choice, aws-lc,
//! is a C library built from source, one of the longest steps of a first
//! build (BENCHMARKS.md, "Build time"); ring is a fraction of it.

/// A client builder whose `https://` works: rustls on ring, the system's
/// certificate authorities (or `SSL_CERT_FILE`), verified as reqwest does.
#[allow(clippy::disallowed_methods)] // the one place a builder is made
pub fn client_builder() -> reqwest::ClientBuilder {
    // reqwest takes rustls's process-wide provider. Installing it fails
    // only when one is already installed, by an earlier call or by a
    // program embedding oncall, and then that one is used.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_client_builds_on_ring() {
        super::client_builder().build().unwrap();
        let groups = |p: &rustls::crypto::CryptoProvider| -> Vec<_> {
            p.kx_groups.iter().map(|g| g.name()).collect()
        };
        let installed = rustls::crypto::CryptoProvider::get_default().unwrap();
        let ring = rustls::crypto::ring::default_provider();
        assert_eq!(groups(installed), groups(&ring));
    }
}
