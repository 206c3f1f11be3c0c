//! The HTTP side: its own thread and tokio runtime, one catch-all axum handler, and the
//! per-request pipeline (record, latency, faults, the controller, the recorded status).
//!
//! Each request is handled in a spawned task, so a client that gives up (a timeout test)
//! does not cancel it: the write still lands and its status is still recorded, as on a real
//! server. Each connection carries a switch (`Cut`) that a `FaultKind::Close` throws, so the
//! answer's first write fails and the connection is dropped without a byte of answer.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::faults::{self, FaultKind};
use super::limiter;
use super::reply::Reply;
use super::routes::{self, Incoming};
use super::state::{Recorded, Shared};

/// Far above any real webhook body; keeps a runaway client from eating memory.
const MAX_BODY: usize = 1 << 20;

pub(super) struct Running {
    pub addr: SocketAddr,
    pub shutdown: oneshot::Sender<()>,
    pub thread: JoinHandle<()>,
}

/// Binds 127.0.0.1:0 and serves until `shutdown` fires. Returns once the listener accepts.
pub(super) fn spawn(shared: Arc<Shared>) -> Result<Running, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind 127.0.0.1:0: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("local address: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("non-blocking listener: {e}"))?;
    let (shutdown, stop) = oneshot::channel::<()>();
    let (ready_tx, ready) = mpsc::channel::<Result<(), String>>();
    let thread = std::thread::Builder::new()
        .name(format!("fake-portal-{}", addr.port()))
        .spawn(move || serve(listener, shared, stop, ready_tx))
        .map_err(|e| format!("spawn the server thread: {e}"))?;
    match ready.recv() {
        Ok(Ok(())) => Ok(Running {
            addr,
            shutdown,
            thread,
        }),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the server thread died while starting".to_owned()),
    }
}

fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    stop: oneshot::Receiver<()>,
    ready: mpsc::Sender<Result<(), String>>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(format!("tokio runtime: {e}")));
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(e) => {
                let _ = ready.send(Err(format!("tokio listener: {e}")));
                return;
            }
        };
        let app = Router::new()
            .fallback(entry)
            .with_state(shared)
            .into_make_service_with_connect_info::<Cut>();
        let _ = ready.send(Ok(()));
        tokio::select! {
            _ = async { axum::serve(Cutting(listener), app).await } => {}
            _ = stop => {}
        }
    });
    // Open connections and sleeping requests are dropped, not waited for.
    runtime.shutdown_timeout(Duration::from_millis(200));
}

/// Thrown on a connection to drop it instead of answering.
#[derive(Clone, Debug, Default)]
struct Cut(Arc<AtomicBool>);

struct Cutting(tokio::net::TcpListener);

struct CutStream {
    inner: TcpStream,
    cut: Cut,
}

impl Listener for Cutting {
    type Io = CutStream;
    type Addr = Cut;

    async fn accept(&mut self) -> (CutStream, Cut) {
        let (inner, _) = Listener::accept(&mut self.0).await;
        let cut = Cut::default();
        (
            CutStream {
                inner,
                cut: cut.clone(),
            },
            cut,
        )
    }

    fn local_addr(&self) -> io::Result<Cut> {
        Ok(Cut::default())
    }
}

impl Connected<IncomingStream<'_, Cutting>> for Cut {
    fn connect_info(stream: IncomingStream<'_, Cutting>) -> Cut {
        stream.remote_addr().clone()
    }
}

impl AsyncRead for CutStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CutStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.cut.0.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionAborted.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn entry(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(cut): ConnectInfo<Cut>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Reply::empty(413).into_response();
    };
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    if let Some(authority) = parts
        .uri
        .authority()
        .filter(|_| !parts.headers.contains_key("host"))
    {
        headers.push(("host".to_owned(), authority.to_string()));
    }
    let incoming = Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: body.to_vec(),
    };
    match tokio::spawn(process(shared, incoming)).await {
        Ok(reply) => {
            cut.0.store(reply.close, Ordering::SeqCst);
            reply.into_response()
        }
        Err(_) => Reply::empty(500).into_response(),
    }
}

async fn process(shared: Arc<Shared>, req: Incoming) -> Reply {
    let seq = record(&shared, &req);
    let reply = answer(&shared, &req).await;
    let mut inner = shared.lock();
    if let Some((_, recorded)) = inner.requests.iter_mut().rev().find(|(s, _)| *s == seq) {
        recorded.status = reply.status;
    }
    reply
}

/// Faults first (they stand in front, like a proxy), then the rate limiter, then the
/// controller.
async fn answer(shared: &Arc<Shared>, req: &Incoming) -> Reply {
    let (latency, fault) = {
        let mut inner = shared.lock();
        (inner.latency, inner.take_fault(&req.method, &req.path))
    };
    let reaches_app = matches!(
        fault,
        None | Some(
            FaultKind::Delay(_)
                | FaultKind::Headers(_)
                | FaultKind::AfterHandling { .. }
                | FaultKind::LandsLate { .. }
                | FaultKind::Close { handled: true }
        )
    );
    let admitted = if reaches_app {
        let path = req.path.to_ascii_lowercase();
        let path = path.strip_suffix('/').unwrap_or(&path);
        limiter::admit_retry(shared, &req.method, path)
            .and_then(|()| limiter::admit(shared, &req.method))
    } else {
        let write = !req.method.eq_ignore_ascii_case("GET");
        Ok((write.then(|| shared.write_guard()), Vec::new()))
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (_writing, limits) = match admitted {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let reply = match fault {
        None => routes::handle(shared, req),
        Some(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            routes::handle(shared, req)
        }
        Some(FaultKind::Echo(echo)) => echo.reply(req),
        Some(FaultKind::Headers(headers)) => (headers.into_iter())
            .fold(routes::handle(shared, req), |reply, (name, value)| {
                reply.header(name, value)
            }),
        Some(kind @ (FaultKind::AfterHandling { .. } | FaultKind::Close { handled: true })) => {
            let _lost = routes::handle(shared, req);
            faults::answer(kind)
        }
        Some(FaultKind::LandsLate { status, after }) => {
            let late = Arc::clone(shared);
            let req = req.clone();
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                let _landed = routes::handle(&late, &req);
            });
            faults::answer(FaultKind::LandsLate { status, after })
        }
        Some(kind) => faults::answer(kind),
    };
    limits
        .into_iter()
        .fold(reply, |reply, (name, value)| reply.header(name, value))
}

/// Records the request on arrival (so `requests()` is in arrival order) with status 0.
fn record(shared: &Shared, req: &Incoming) -> u64 {
    let recorded = Recorded {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        has_authorization: req.header("authorization").is_some(),
        content_type: req.header("content-type").map(str::to_owned),
        body: (!req.body.is_empty()).then(|| String::from_utf8_lossy(&req.body).into_owned()),
        status: 0,
        at: std::time::Instant::now(),
    };
    let mut inner = shared.lock();
    let seq = inner.next_seq;
    inner.next_seq += 1;
    inner.requests.push((seq, recorded));
    seq
}
