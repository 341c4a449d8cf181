//! A tiny HTTP/1.1 client over one TCP connection: exact bytes on the wire (no URL
//! normalisation, so `..%2F` and `%00` reach the server as written) and keep-alive with a
//! fixed number of connections, which is what a load generator needs.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every request must answer within this: a hang guard, not a speed goal.
pub const HANG_GUARD: Duration = Duration::from_secs(30);

/// An answer: status, lower-cased headers and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `host:port` of an `http://host:port` URL (localhost is 127.0.0.1: loopback only).
pub fn addr_of(url: &str) -> anyhow::Result<SocketAddr> {
    let rest = url.trim_start_matches("http://").trim_end_matches('/');
    let rest = rest.replace("localhost", "127.0.0.1");
    rest.parse().with_context(|| format!("not an http://ip:port URL: {url}"))
}

/// One keep-alive connection.
pub struct Connection {
    addr: SocketAddr,
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = tokio::time::timeout(HANG_GUARD, TcpStream::connect(addr)).await.context("connect hung")??;
        stream.set_nodelay(true)?;
        Ok(Self { addr, stream, buffer: Vec::with_capacity(4096) })
    }

    /// Sends one request and reads its answer, within [`HANG_GUARD`].
    pub async fn send(
        &mut self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> anyhow::Result<Answer> {
        let mut request = format!("{method} {target} HTTP/1.1\r\nhost: {}\r\n", self.addr);
        if let Some(content_type) = content_type {
            request.push_str(&format!("content-type: {content_type}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            request.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes).await
    }

    /// Writes `bytes` as they are and reads one answer.
    pub async fn raw(&mut self, bytes: &[u8]) -> anyhow::Result<Answer> {
        let exchange = async {
            self.stream.write_all(bytes).await?;
            self.read_answer().await
        };
        tokio::time::timeout(HANG_GUARD, exchange).await.context("no answer within the hang guard")?
    }

    async fn read_answer(&mut self) -> anyhow::Result<Answer> {
        let head_end = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                break end;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {status_line:?}"))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse::<usize>().ok());
        let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        self.buffer.drain(..head_end + 4);
        let body = if chunked {
            self.read_chunked().await?
        } else {
            let length = length.unwrap_or(0);
            while self.buffer.len() < length {
                self.fill().await?;
            }
            self.buffer.drain(..length).collect()
        };
        Ok(Answer { status, headers, body })
    }

    async fn read_chunked(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(end) = find(&self.buffer, b"\r\n") {
                    break end;
                }
                self.fill().await?;
            };
            let size_text = String::from_utf8_lossy(&self.buffer[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .context("bad chunk size")?;
            self.buffer.drain(..line_end + 2);
            while self.buffer.len() < size + 2 {
                self.fill().await?;
            }
            body.extend(self.buffer.drain(..size));
            self.buffer.drain(..2);
            if size == 0 {
                return Ok(body);
            }
        }
    }

    async fn fill(&mut self) -> anyhow::Result<()> {
        let mut chunk = [0u8; 8192];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("the server closed the connection");
        }
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One request on a fresh connection.
pub async fn once(
    url: &str,
    method: &str,
    target: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> anyhow::Result<Answer> {
    Connection::open(addr_of(url)?).await?.send(method, target, content_type, body).await
}

/// Percent-encodes everything but unreserved characters, for a path segment.
pub fn encode_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
