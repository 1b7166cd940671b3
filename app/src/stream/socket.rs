//! The WebSocket, through `web_sys` directly: the session is already an event-driven state
//! machine, so a `Stream`/`Sink` adapter over the socket would add nothing but code. Measured on
//! this app, gloo-net's websocket (task, channel and adapter) cost +2,675 B brotli (wasm +2,427,
//! JS +248), which the 250,000 B first-visit budget did not have (README, "Size budget"); gloo-net
//! stays the app's HTTP client.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What the socket reports.
pub enum SocketEvent {
    Opened,
    Text(String),
    /// Closed by the server or the network, with the close code (1006 when the connection
    /// dropped); not reported after [`Socket`] is dropped.
    Closed(u16),
}

/// An open (or opening) connection; drop it to close.
pub struct Socket {
    ws: WebSocket,
    _handlers: [Closure<dyn FnMut(JsValue)>; 3],
}

impl Socket {
    /// Starts connecting to `url`; `on_event` hears about it.
    #[inline(never)]
    pub fn open(url: &str, on_event: Box<dyn Fn(SocketEvent)>) -> Result<Socket, String> {
        let ws = WebSocket::new(url).map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default()
        })?;
        let on_event: Rc<dyn Fn(SocketEvent)> = Rc::from(on_event);
        let (a, b, c) = (on_event.clone(), on_event.clone(), on_event);
        let handlers = [
            Closure::<dyn FnMut(JsValue)>::new(move |_| a(SocketEvent::Opened)),
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                if let Some(text) = e.unchecked_into::<MessageEvent>().data().as_string() {
                    b(SocketEvent::Text(text))
                }
            }),
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                c(SocketEvent::Closed(e.unchecked_into::<CloseEvent>().code()))
            }),
        ];
        ws.set_onopen(Some(handlers[0].as_ref().unchecked_ref()));
        ws.set_onmessage(Some(handlers[1].as_ref().unchecked_ref()));
        ws.set_onclose(Some(handlers[2].as_ref().unchecked_ref()));
        Ok(Socket {
            ws,
            _handlers: handlers,
        })
    }

    pub fn send(&self, text: String) {
        let _ = self.ws.send_with_str(&text);
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
