//! Routes declared as data: each path and method with its handler and who
//! may use it. A service builds its router from the table and lists the same
//! table for the tests, so the list of what must be checked cannot drift
//! from what is served.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

/// One method of one path, as a table declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared<N> {
    pub path: &'static str,
    pub method: Method,
    /// Who may use it (each service's own vocabulary).
    pub need: N,
}

/// A router's table: what `router` serves is exactly what `declared` lists.
pub struct Routes<S, N> {
    paths: Vec<(&'static str, MethodRouter<S>)>,
    declared: Vec<Declared<N>>,
}

impl<S, N> Default for Routes<S, N>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            declared: Vec::new(),
        }
    }
}

impl<S, N> Routes<S, N>
where
    S: Clone + Send + Sync + 'static,
{
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get<H, T>(self, path: &'static str, need: N, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.add(path, Method::GET, need, |route| route.get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, need: N, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.add(path, Method::POST, need, |route| route.post(handler))
    }

    fn add(
        mut self,
        path: &'static str,
        method: Method,
        need: N,
        with: impl FnOnce(MethodRouter<S>) -> MethodRouter<S>,
    ) -> Self {
        // A path is routed once, with all its methods.
        match self.paths.iter_mut().find(|(p, _)| *p == path) {
            Some((_, route)) => *route = with(std::mem::take(route)),
            None => self.paths.push((path, with(MethodRouter::new()))),
        }
        self.declared.push(Declared { path, method, need });
        self
    }

    /// The router serving every path of the table.
    pub fn router(self) -> Router<S> {
        self.paths
            .into_iter()
            .fold(Router::new(), |router, (path, route)| {
                router.route(path, route)
            })
    }

    /// What the table declares, in its order.
    pub fn declared(self) -> Vec<Declared<N>> {
        self.declared
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    fn table() -> Routes<(), &'static str> {
        Routes::new()
            .get("/a", "anyone", || async { "a" })
            .post("/a", "signed in", || async { "posted" })
            .get("/b/{id}", "anyone", || async { "b" })
    }

    #[test]
    fn the_listing_names_every_method_of_every_path() {
        let listed: Vec<_> = table()
            .declared()
            .into_iter()
            .map(|d| (d.path, d.method, d.need))
            .collect();
        assert_eq!(
            listed,
            [
                ("/a", Method::GET, "anyone"),
                ("/a", Method::POST, "signed in"),
                ("/b/{id}", Method::GET, "anyone"),
            ]
        );
    }

    #[tokio::test]
    async fn the_router_serves_exactly_what_is_listed() {
        let router = table().router();
        let send = |method: Method, uri: &str| {
            let request = Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .unwrap();
            router.clone().oneshot(request)
        };
        assert_eq!(
            send(Method::GET, "/a").await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            send(Method::POST, "/a").await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            send(Method::GET, "/b/1").await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            send(Method::POST, "/b/1").await.unwrap().status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            send(Method::GET, "/c").await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
    }
}
