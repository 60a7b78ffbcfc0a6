//! Opening a connection to the team store: TLS by libpq's `sslmode`, the
//! password from the connection string or the password file, and a bound
//! on every wait, so that nothing waits on a server that does not answer.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::{Client, NoTls};

use crate::config::{self, Target, Tls};
use crate::error::{Result, TeamError};

/// How long a connection or a statement may take before the store counts
/// as unreachable.
pub const WAIT: Duration = Duration::from_secs(10);

/// How long a whole sync (every batch, then the pull) may take.
pub const SYNC_WAIT: Duration = Duration::from_secs(120);

/// `f`, or [`TeamError::Timeout`] after `wait`.
pub(crate) async fn bounded<T>(
    target: &Target,
    wait: Duration,
    f: impl Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(wait, f).await {
        Ok(r) => r,
        Err(_) => Err(TeamError::Timeout {
            target: target.label.clone(),
            seconds: wait.as_secs().max(1),
        }),
    }
}

/// A connection to the store, its task spawned on the current runtime.
pub(crate) async fn open(target: &Target, secrets: &Path, wait: Duration) -> Result<Client> {
    open_with(target, secrets, wait, None).await
}

/// A connection whose notifications (LISTEN) are sent to `notes`; the
/// channel closes when the connection does.
pub(crate) async fn open_listening(
    target: &Target,
    secrets: &Path,
    wait: Duration,
    notes: tokio::sync::mpsc::UnboundedSender<String>,
) -> Result<Client> {
    open_with(target, secrets, wait, Some(notes)).await
}

/// Drive a connection: its messages' notifications go to `notes`.
async fn drive<S, T>(
    mut conn: tokio_postgres::Connection<S, T>,
    notes: Option<tokio::sync::mpsc::UnboundedSender<String>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut messages = futures_util::stream::poll_fn(move |cx| conn.poll_message(cx));
    use futures_util::StreamExt;
    while let Some(Ok(m)) = messages.next().await {
        if let (tokio_postgres::AsyncMessage::Notification(n), Some(tx)) = (m, &notes) {
            if tx.send(n.payload().to_string()).is_err() {
                return;
            }
        }
    }
}

async fn open_with(
    target: &Target,
    secrets: &Path,
    wait: Duration,
    notes: Option<tokio::sync::mpsc::UnboundedSender<String>>,
) -> Result<Client> {
    let mut config = target.config.clone();
    if config.get_password().is_none() {
        if let Some(p) = config::password(secrets, &target.label)? {
            config.password(p);
        }
    }
    config.connect_timeout(wait);
    bounded(target, wait, async {
        let pg = |e| TeamError::pg(&target.label, e);
        if target.tls == Tls::Disable {
            let (client, conn) = config.connect(NoTls).await.map_err(pg)?;
            tokio::spawn(drive(conn, notes));
            Ok(client)
        } else {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(target)?);
            let (client, conn) = config.connect(tls).await.map_err(pg)?;
            tokio::spawn(drive(conn, notes));
            Ok(client)
        }
    })
    .await
}

fn tls_config(target: &Target) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TeamError::BadUrl(format!("TLS: {e}")))?;
    if target.tls != Tls::VerifyFull {
        // libpq's prefer and require encrypt without checking who answers;
        // verify-full is the mode that does.
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
            .with_no_client_auth());
    }
    let mut roots = RootCertStore::empty();
    if let Some(path) = &target.root_cert {
        let bad = |reason: String| TeamError::RootCert {
            path: path.clone(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let mut found = 0;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| bad(format!("not a PEM certificate ({e})")))?;
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
            found += 1;
        }
        if found == 0 {
            return Err(bad("it holds no PEM certificate".into()));
        }
    } else {
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// Accepts any certificate (sslmode prefer and require), still checking
/// the handshake's signatures.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
