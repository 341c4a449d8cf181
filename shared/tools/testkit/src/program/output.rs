//! Where a [`Program`](super::Program)'s output goes, and reading it line by line.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub(super) enum Output {
    /// stdout and stderr interleaved by line, kept as a transcript.
    Piped {
        lines: mpsc::UnboundedReceiver<String>,
        transcript: Arc<Mutex<Vec<String>>>,
        /// The tasks copying stdout and stderr; they end when the process closes them.
        readers: Vec<JoinHandle<()>>,
    },
    /// Both written to a file; `seen` lines of it were handed out already.
    File { path: PathBuf, seen: usize },
}

impl Output {
    pub(super) fn piped(child: &mut Child, echo: Option<String>) -> Self {
        let (sender, lines) = mpsc::unbounded_channel();
        let transcript = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            forward(child.stdout.take().expect("piped"), sender.clone(), transcript.clone(), echo.clone()),
            forward(child.stderr.take().expect("piped"), sender, transcript.clone(), echo),
        ];
        Output::Piped { lines, transcript, readers }
    }

    pub(super) fn file(path: PathBuf) -> Self {
        Output::File { path, seen: 0 }
    }

    pub(super) fn lines(&self) -> Vec<String> {
        match self {
            Output::Piped { transcript, .. } => transcript.lock().unwrap().clone(),
            Output::File { path, .. } => read_lines(path),
        }
    }
}

/// The complete lines of a log file (a last line without its newline may still grow).
pub(super) fn complete_lines(path: &PathBuf) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete.lines().map(str::to_string).collect()
}

fn read_lines(path: &PathBuf) -> Vec<String> {
    std::fs::read_to_string(path).unwrap_or_default().lines().map(str::to_string).collect()
}

fn forward(
    stream: impl AsyncRead + Unpin + Send + 'static,
    sender: mpsc::UnboundedSender<String>,
    transcript: Arc<Mutex<Vec<String>>>,
    echo: Option<String>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            if let Some(label) = &echo {
                println!("[{label}] {line}");
            }
            transcript.lock().unwrap().push(line.clone());
            let _ = sender.send(line);
        }
    })
}
