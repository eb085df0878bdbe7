//! The streams a connection is served over: plain TCP, TLS over TCP, or memory (for
//! fuzzing). The HTTP code sees only [`Transport`], so all three share it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// A byte stream the server can bound in time.
pub(crate) trait Transport: Read + Write {
    /// Bounds the reads that follow: once `deadline` passes, a read fails with
    /// [`io::ErrorKind::TimedOut`], however many bytes trickled in before it.
    fn set_deadline(&mut self, deadline: Option<Instant>);

    /// The TCP socket underneath, for the faults that act on it (a reset).
    fn tcp(&self) -> Option<&TcpStream>;

    /// Ends the stream in good order (TLS: `close_notify`, then the writing half
    /// shut). With `drain`, then waits a little for the peer to finish sending, so
    /// that closing with its bytes unread (a request refused before its body) does not
    /// turn into a reset, which could destroy the answer before the peer reads it.
    fn close(&mut self, drain: bool);
}

/// The longest a closing connection waits for the peer's last bytes.
const LINGER: Duration = Duration::from_secs(1);
/// The most it reads while waiting: a peer still sending a full body is cut off.
const LINGER_BYTES: usize = 2 * 1024 * 1024;

/// A TCP stream whose reads honour a deadline: each read waits at most until it, so a
/// peer sending a byte at a time cannot stretch a request past it.
#[derive(Debug)]
pub(crate) struct TimedSocket {
    tcp: TcpStream,
    deadline: Option<Instant>,
}

impl TimedSocket {
    pub(crate) fn new(tcp: TcpStream) -> Self {
        Self {
            tcp,
            deadline: None,
        }
    }

    /// Shuts the writing half; with `drain`, then reads what the peer still sends,
    /// for a while.
    pub(crate) fn shut(&mut self, drain: bool) {
        let _ = self.tcp.shutdown(Shutdown::Write);
        if !drain {
            return;
        }
        self.deadline = Some(Instant::now() + LINGER);
        let mut sink = [0u8; 4096];
        let mut drained = 0;
        while drained < LINGER_BYTES {
            match self.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    }
}

impl Read for TimedSocket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            self.tcp.set_read_timeout(Some(left))?;
        }
        match self.tcp.read(buf) {
            // What SO_RCVTIMEO reports on expiry, on Unix (WouldBlock) and Windows.
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock) => {
                Err(io::ErrorKind::TimedOut.into())
            }
            other => other,
        }
    }
}

impl Write for TimedSocket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

impl Transport for TimedSocket {
    fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    fn tcp(&self) -> Option<&TcpStream> {
        Some(&self.tcp)
    }

    fn close(&mut self, drain: bool) {
        self.shut(drain);
    }
}

/// A connection in memory: reads come from `input`, then end; writes are kept, up to
/// a bound past which they fail (as a peer that stopped reading).
#[derive(Debug)]
pub(crate) struct MemoryStream<'a> {
    input: &'a [u8],
    pub(crate) output: Vec<u8>,
    limit: usize,
}

impl<'a> MemoryStream<'a> {
    pub(crate) fn new(input: &'a [u8], limit: usize) -> Self {
        Self {
            input,
            output: Vec::new(),
            limit,
        }
    }
}

impl Read for MemoryStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for MemoryStream<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.limit.saturating_sub(self.output.len());
        if room == 0 && !buf.is_empty() {
            return Err(io::ErrorKind::WriteZero.into());
        }
        let n = buf.len().min(room);
        self.output.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for MemoryStream<'_> {
    fn set_deadline(&mut self, _deadline: Option<Instant>) {}

    fn tcp(&self) -> Option<&TcpStream> {
        None
    }

    fn close(&mut self, _drain: bool) {}
}
