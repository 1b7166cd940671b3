//! The WebSocket, through gloo-net: one task owns it, forwards what the session wants sent and
//! reports what arrives. Dropping the [`Socket`] ends the task, and gloo closes the socket.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;

use futures::channel::mpsc::{self, UnboundedSender};
use futures::{Sink, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State};
use leptos::task::spawn_local;

/// What the socket reports.
pub enum SocketEvent {
    Opened,
    Text(String),
    /// Closed by the server or the network (not reported after [`Socket`] is dropped).
    Closed,
}

/// An open (or opening) connection; drop it to close.
pub struct Socket {
    outgoing: UnboundedSender<String>,
}

impl Socket {
    /// Starts connecting to `url`; `on_event` hears about it.
    #[inline(never)]
    pub fn open(url: &str, on_event: Box<dyn Fn(SocketEvent)>) -> Result<Socket, String> {
        let mut ws = WebSocket::open(url).map_err(|e| e.message)?;
        let (outgoing, mut queue) = mpsc::unbounded::<String>();
        spawn_local(async move {
            // gloo's sink is ready once the socket has left CONNECTING (open, or failed).
            let ready = poll_fn(|cx| Pin::new(&mut ws).poll_ready(cx)).await;
            if ready.is_err() || !matches!(ws.state(), State::Open) {
                return on_event(SocketEvent::Closed);
            }
            on_event(SocketEvent::Opened);
            loop {
                // Our texts first, then the server's frames.
                let next = poll_fn(|cx| match queue.poll_next_unpin(cx) {
                    Poll::Ready(text) => Poll::Ready(Ok(text)),
                    Poll::Pending => ws.poll_next_unpin(cx).map(Err),
                })
                .await;
                match next {
                    Ok(Some(text)) => {
                        if Pin::new(&mut ws).start_send(Message::Text(text)).is_err() {
                            break;
                        }
                    }
                    // The Socket was dropped: we closed it, nobody needs to hear.
                    Ok(None) => return,
                    Err(Some(Ok(Message::Text(text)))) => on_event(SocketEvent::Text(text)),
                    Err(Some(Ok(Message::Bytes(_)))) => {}
                    Err(Some(Err(_)) | None) => break,
                }
            }
            on_event(SocketEvent::Closed);
        });
        Ok(Socket { outgoing })
    }

    pub fn send(&self, text: String) {
        let _ = self.outgoing.unbounded_send(text);
    }
}
