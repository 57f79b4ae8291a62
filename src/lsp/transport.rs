//! The protocol's messages over standard input and output, each read within a size limit.
//! lsp-server's own transport reads a message of any announced length: a header of
//! `Content-Length: 99999999999` made it ask for 100 GB and abort. Here the header is read
//! a bounded line at a time and a message larger than [`MAX_MESSAGE_BYTES`] stops the
//! server, saying so. Must not interpret messages: the server does.

use std::io::{self, BufRead, Read as _, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message};

/// The largest message read: room for a rule file at the size limit of every file
/// ([`crate::load::MAX_FILE_BYTES`]) with its JSON escapes.
pub const MAX_MESSAGE_BYTES: u64 = 4 * crate::load::MAX_FILE_BYTES;

/// The longest header line read.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// The threads that read standard input and write standard output.
pub struct Transport {
    /// Why reading stopped, when the input was at fault: set before the reader lets go of
    /// the connection, so that it is there once the server has seen the input end.
    failure: Arc<Mutex<Option<io::Error>>>,
    writer: JoinHandle<io::Result<()>>,
}

/// A connection over standard input and output, and the threads that carry it.
pub fn stdio() -> (Connection, Transport) {
    let (server, client) = Connection::memory();
    let Connection { sender: to_server, receiver: from_server } = client;
    let failure = Arc::new(Mutex::new(None));
    let reader_failure = Arc::clone(&failure);
    // Not joined: a reader still waiting for input when the server stops is left to end
    // with the process.
    std::thread::spawn(move || {
        let forward = || -> io::Result<()> {
            let mut input = io::stdin().lock();
            while let Some(message) = read(&mut input)? {
                let exit =
                    matches!(&message, Message::Notification(notification) if notification.method == "exit");
                // A server that stopped takes no more messages.
                if to_server.send(message).is_err() || exit {
                    break;
                }
            }
            Ok(())
        };
        if let Err(why) = forward() {
            *reader_failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(why);
        }
        // Only now does the server see the input end: the reason is already kept.
        drop(to_server);
    });
    let writer = std::thread::spawn(move || {
        let mut output = io::stdout().lock();
        for message in from_server {
            message.write(&mut output)?;
            output.flush()?;
        }
        Ok(())
    });
    (server, Transport { failure, writer })
}

impl Transport {
    /// Waits for every message sent to be written (the connection dropped first), and
    /// gives why reading stopped, if the input was at fault.
    ///
    /// # Errors
    ///
    /// The input was not the protocol (a bad header, a message too large, not JSON-RPC),
    /// or standard output could not be written.
    pub fn finish(self) -> io::Result<()> {
        let written = self.writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer stopped")));
        if let Some(why) = self.failure.lock().unwrap_or_else(PoisonError::into_inner).take() {
            return Err(why);
        }
        written
    }
}

/// The next message of `input`, or `None` at the end of the input between messages.
///
/// # Errors
///
/// A header that is not one, a length missing or over [`MAX_MESSAGE_BYTES`], input that
/// ends inside a message, or a body that is not a JSON-RPC message.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Message>> {
    let Some(length) = read_header(input)? else { return Ok(None) };
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if body.len() as u64 != length {
        return Err(invalid(format!("the input ended inside a message of {length} bytes")));
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|why| invalid(format!("a message that is not JSON-RPC: {why}")))
}

/// The length a message's header announces, or `None` at the end of the input.
fn read_header(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        input.take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if line.is_empty() {
            return match first {
                true => Ok(None),
                false => Err(invalid("the input ended inside a message's header".to_string())),
            };
        }
        if !line.ends_with(b"\n") {
            return Err(invalid(format!("a header line longer than {MAX_HEADER_LINE} bytes")));
        }
        first = false;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("a header line that is not `Name: value`: {line:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let announced: u64 = value
                .parse()
                .map_err(|_| invalid(format!("a Content-Length that is not a length: {value:?}")))?;
            if announced > MAX_MESSAGE_BYTES {
                return Err(invalid(format!(
                    "a message of {announced} bytes, larger than the limit of {MAX_MESSAGE_BYTES} bytes"
                )));
            }
            length = Some(announced);
        }
    }
    length.map(Some).ok_or_else(|| invalid("a message's header without its Content-Length".to_string()))
}

fn invalid(why: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

#[cfg(test)]
mod tests {
    use super::read;

    fn read_all(input: &str) -> Result<usize, String> {
        let mut input = input.as_bytes();
        let mut n = 0;
        while read(&mut input).map_err(|why| why.to_string())?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    #[test]
    fn messages_are_read_within_their_limits() {
        let message = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let framed = format!("Content-Length: {}\r\nContent-Type: x\r\n\r\n{message}", message.len());
        assert_eq!(read_all(&format!("{framed}{framed}")), Ok(2));
        assert_eq!(read_all(""), Ok(0));
        let error = |input: &str| read_all(input).unwrap_err();
        assert!(error("Content-Length: 99999999999\r\n\r\n").contains("larger than the limit"));
        assert!(error("Content-Length: 18446744073709551616\r\n\r\n").contains("not a length"));
        assert!(error("Content-Length: 10\r\n\r\n{}").contains("ended inside a message of 10 bytes"));
        assert!(error("Content-Length: 5\r\n\r\n{bad}").contains("not JSON-RPC"));
        assert!(error("garbage\r\n\r\n").contains("not `Name: value`"));
        assert!(error("Content-Type: x\r\n\r\n").contains("without its Content-Length"));
        assert!(error("Content-Length: 2\r\n").contains("ended inside a message's header"));
        assert!(error(&"x".repeat(10_000)).contains("header line longer"));
    }
}
