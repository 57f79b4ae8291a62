//! Starting and stopping the server: the address it binds (loopback unless told
//! otherwise, the next free port when the one asked for is taken), the task that reloads
//! the rule base when its files change, and the clean stop on Ctrl-C (requests in flight
//! finish; no write is cut short). Must not handle requests: `routes` does.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;

use super::routes::app;
use super::rules::RuleSet;
use super::workspace::Workspace;

/// How many ports are tried, from the one asked for, when it is taken.
const PORTS_TRIED: u16 = 20;

/// What `accord serve` is asked to serve, and where.
pub struct Options {
    /// The rule base.
    pub rules: RuleSet,
    /// The folder of case files the pages may read and write.
    pub cases: PathBuf,
    /// The port asked for (the next free one is used when it is taken; 0: any free one).
    pub port: u16,
    /// The address to listen on; loopback (127.0.0.1) when `None`.
    pub bind: Option<IpAddr>,
}

/// A server bound to its address, not yet serving.
pub struct Server {
    listener: TcpListener,
    address: SocketAddr,
    workspace: Workspace,
}

impl Server {
    /// Binds the address `options` asks for (or the next free port).
    ///
    /// # Errors
    ///
    /// No port could be bound, the folder of cases cannot be opened, or the file size
    /// limit set in the environment is not a number.
    pub fn bind(options: Options) -> Result<Server, String> {
        let ip = options.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let listener = bind_free(ip, options.port)?;
        let address = listener.local_addr().map_err(|why| format!("cannot read the address bound: {why}"))?;
        listener.set_nonblocking(true).map_err(|why| format!("cannot set up the listener: {why}"))?;
        let max_body = crate::load::max_file_bytes()?;
        let max_body = usize::try_from(max_body).unwrap_or(usize::MAX);
        let workspace = Workspace::new(&options.cases, options.rules, address, max_body)?;
        Ok(Server { listener, address, workspace })
    }

    /// The address served.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The page's address: `http://127.0.0.1:7878/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// What the requests share.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Serves until Ctrl-C, then stops once the requests in flight are answered.
    ///
    /// # Errors
    ///
    /// The runtime cannot start, or the listener fails.
    pub fn run(self) -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|why| format!("cannot start the server: {why}"))?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)
                .map_err(|why| format!("cannot listen on {}: {why}", self.address))?;
            let watcher = tokio::spawn(watch_rules(self.workspace.clone()));
            let served = axum::serve(listener, app(self.workspace))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await;
            watcher.abort();
            served.map_err(|why| format!("the server stopped: {why}"))
        })
    }
}

/// Binds `ip` at `port`, or at the next free port of the [`PORTS_TRIED`].
fn bind_free(ip: IpAddr, port: u16) -> Result<TcpListener, String> {
    let mut last = None;
    for n in 0..if port == 0 { 1 } else { PORTS_TRIED } {
        let Some(port) = port.checked_add(n) else { break };
        match TcpListener::bind(SocketAddr::new(ip, port)) {
            Ok(listener) => return Ok(listener),
            Err(why) if why.kind() == std::io::ErrorKind::AddrInUse => last = Some(why),
            Err(why) => return Err(format!("cannot listen on {}: {why}", SocketAddr::new(ip, port))),
        }
    }
    let why = last.map_or_else(String::new, |why| format!(": {why}"));
    Err(format!(
        "cannot listen on {ip}: ports {port} to {} are all taken{why}",
        port.saturating_add(PORTS_TRIED - 1)
    ))
}

/// Every second, reloads the rule base if its files changed.
async fn watch_rules(workspace: Workspace) {
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    loop {
        ticks.tick().await;
        let workspace = workspace.clone();
        // Reading and checking the rules is blocking work.
        let _ = tokio::task::spawn_blocking(move || workspace.rules().reload_if_changed()).await;
    }
}

/// Starts the server `options` describes and serves until Ctrl-C, printing its address
/// (as `accord serve` does).
///
/// # Errors
///
/// As [`Server::bind`] and [`Server::run`].
pub fn serve(options: Options) -> Result<(), String> {
    let cases = options.cases.clone();
    let server = Server::bind(options)?;
    println!("accord is serving {} (the cases in {}); press Ctrl-C to stop", server.url(), cases.display());
    server.run()
}
