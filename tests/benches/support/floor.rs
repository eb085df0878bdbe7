//! The physical floor: the bytes a client sends, written by hand to a kept-alive raw
//! `TcpStream` (or a rustls stream over one), and the answer read by hand. No HTTP
//! library, no pool logic beyond a stack of open connections, no timeout: what
//! loopback, the kernel and TLS cost, and the emulator's own work.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use gemini_token_conformance::bare::BarePost;

/// A byte stream, plain or TLS.
pub(crate) trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// Where to connect, and how.
#[derive(Clone)]
pub(crate) struct Dialer {
    address: String,
    host: String,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Dialer {
    /// For `base_url` (`http://` or `https://`, an IP address and a port); over TLS
    /// trusting only the CA certificates in `roots` (PEM).
    pub(crate) fn new(base_url: &str, roots: Option<&[u8]>) -> Dialer {
        let (scheme, rest) = base_url.split_once("://").unwrap();
        let address = rest.split('/').next().unwrap().to_owned();
        let host = address.rsplit_once(':').unwrap().0.to_owned();
        let tls = (scheme == "https").then(|| {
            let mut store = rustls::RootCertStore::empty();
            for item in ureq::tls::parse_pem(roots.expect("an https URL needs --ca-cert")) {
                if let Ok(ureq::tls::PemItem::Certificate(c)) = item {
                    store
                        .add(rustls::pki_types::CertificateDer::from(c.der().to_vec()))
                        .unwrap();
                }
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            Arc::new(
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_root_certificates(store)
                    .with_no_client_auth(),
            )
        });
        Dialer { address, host, tls }
    }

    /// Whether connections are TLS.
    pub(crate) fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// A new connection, its handshake done (over TLS) before it returns.
    pub(crate) fn connect(&self) -> Box<dyn Stream> {
        let tcp = TcpStream::connect(&self.address).unwrap();
        tcp.set_nodelay(true).unwrap();
        match &self.tls {
            None => Box::new(tcp),
            Some(config) => {
                let name = rustls::pki_types::ServerName::try_from(self.host.clone()).unwrap();
                let connection = rustls::ClientConnection::new(Arc::clone(config), name).unwrap();
                let mut stream = rustls::StreamOwned::new(connection, tcp);
                while stream.conn.is_handshaking() {
                    stream.conn.complete_io(&mut stream.sock).unwrap();
                }
                Box::new(stream)
            }
        }
    }

    /// The emulator's counters (`GET /emulator/stats`), over a connection of its own
    /// that it closes.
    pub(crate) fn stats(&self) -> serde_json::Value {
        let mut stream = self.connect();
        let request = format!(
            "GET /emulator/stats HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\r\n",
            self.address
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut buffer = Vec::new();
        let body = read_answer(&mut *stream, &mut buffer);
        serde_json::from_slice(&buffer[body]).unwrap()
    }
}

/// Posts one request's bytes again and again over kept-alive connections, as many
/// as are in flight at once.
pub(crate) struct Floor {
    dialer: Dialer,
    request: Vec<u8>,
    idle: Mutex<Vec<Box<dyn Stream>>>,
}

impl Floor {
    /// The bytes `bare` posts, in HTTP/1.1 framing, to `dialer`'s address.
    pub(crate) fn new(dialer: Dialer, bare: &BarePost) -> Floor {
        let path = bare.url().splitn(4, '/').nth(3).unwrap();
        let mut request =
            format!("POST /{path} HTTP/1.1\r\nhost: {}\r\n", dialer.address).into_bytes();
        for (name, value) in bare.headers() {
            request.extend_from_slice(name.as_str().as_bytes());
            request.extend_from_slice(b": ");
            request.extend_from_slice(value.as_bytes());
            request.extend_from_slice(b"\r\n");
        }
        request
            .extend_from_slice(format!("content-length: {}\r\n\r\n", bare.body().len()).as_bytes());
        request.extend_from_slice(bare.body());
        Floor {
            dialer,
            request,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// One request and its whole answer, on an idle connection or a new one.
    pub(crate) fn post(&self) {
        let idle = self.idle.lock().unwrap().pop();
        let mut stream = idle.unwrap_or_else(|| self.dialer.connect());
        stream.write_all(&self.request).unwrap();
        let mut buffer = Vec::with_capacity(2048);
        let _ = read_answer(&mut *stream, &mut buffer);
        self.idle.lock().unwrap().push(stream);
    }
}

/// Reads one answer into `buffer` (a 200, framed by `Content-Length`) and returns
/// where its body is.
fn read_answer(stream: &mut dyn Stream, buffer: &mut Vec<u8>) -> std::ops::Range<usize> {
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the emulator closed the connection");
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) = response.parse(buffer).unwrap() {
            assert_eq!(response.code, Some(200));
            let length: usize = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .map(|h| std::str::from_utf8(h.value).unwrap().parse().unwrap())
                .unwrap();
            while buffer.len() < head + length {
                let n = stream.read(&mut chunk).unwrap();
                assert!(n > 0, "the emulator closed the connection");
                buffer.extend_from_slice(&chunk[..n]);
            }
            return head..head + length;
        }
    }
}
