//! Handing a request to a service in the same process, without a second HTTP server.
//!
//! In the standalone binary the gateway and the three services share one process. Proxying
//! over loopback HTTP there meant a second connection, parse, response and write per request
//! (issue 20: 98–150 futex calls per request, `finish_task_switch` the top symbol). A
//! [`LocalUpstream`] is the service's own actix application — the same factory its HTTP
//! server runs, with the same middleware and routes — built once on each gateway worker
//! thread and called directly with the request the gateway received. The distributed
//! topology never uses it: there the gateway proxies over HTTP.

use actix_http::Request;
use actix_service::{IntoServiceFactory, Service, ServiceExt, ServiceFactory, boxed};
use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{AppConfig, ServiceResponse},
};
use futures::future::LocalBoxFuture;
use std::{
    cell::RefCell,
    rc::Rc,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};
use tokio_util::sync::CancellationToken;

pub use crate::auth::VerifiedClaims;

/// A service application ready to be called on this thread.
pub type LocalService = boxed::BoxService<Request, ServiceResponse<BoxBody>, actix_web::Error>;

type Build = dyn Fn() -> LocalBoxFuture<'static, Result<LocalService, ()>> + Send + Sync;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The applications built on this thread, by upstream id: actix applications are not
    /// `Send`, so each worker thread builds its own, once, as an HTTP server's workers do.
    static BUILT: RefCell<Vec<(u64, Rc<LocalService>)>> = const { RefCell::new(Vec::new()) };
}

/// A service reachable in process: how to build its application, and whether it stopped.
#[derive(Clone)]
pub struct LocalUpstream {
    id: u64,
    build: Arc<Build>,
    stopped: CancellationToken,
}

impl LocalUpstream {
    /// An upstream built by `factory` (called once per thread that serves it).
    pub fn new<F, A, S, B>(factory: F, stopped: CancellationToken) -> Self
    where
        F: Fn() -> A + Send + Sync + 'static,
        A: IntoServiceFactory<S, Request>,
        B: MessageBody + 'static,
        S: ServiceFactory<
                Request,
                Config = AppConfig,
                Response = ServiceResponse<B>,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
        S::Service: 'static,
        S::Future: 'static,
        <S::Service as Service<Request>>::Future: 'static,
    {
        let build: Arc<Build> = Arc::new(move || {
            let factory = factory().into_factory();
            Box::pin(async move {
                let service = factory.new_service(AppConfig::default()).await?;
                Ok(boxed::service(
                    service.map(ServiceResponse::map_into_boxed_body),
                ))
            })
        });
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            build,
            stopped,
        }
    }

    /// Whether the service was stopped: its requests then get `upstream_unavailable`, as a
    /// service that refuses connections does in the distributed topology.
    pub fn is_down(&self) -> bool {
        self.stopped.is_cancelled()
    }

    /// This thread's instance of the service's application, built at the first request.
    pub async fn service(&self) -> Result<Rc<LocalService>, ()> {
        if let Some(found) = BUILT.with_borrow(|built| {
            built
                .iter()
                .find(|(id, _)| *id == self.id)
                .map(|(_, s)| s.clone())
        }) {
            return Ok(found);
        }
        let service = Rc::new((self.build)().await?);
        Ok(BUILT.with_borrow_mut(|built| {
            if let Some((_, s)) = built.iter().find(|(id, _)| *id == self.id) {
                return s.clone();
            }
            built.push((self.id, service.clone()));
            service
        }))
    }

    /// Forgets this thread's instance (the service stopped).
    pub fn forget(&self) {
        BUILT.with_borrow_mut(|built| built.retain(|(id, _)| *id != self.id));
    }
}
