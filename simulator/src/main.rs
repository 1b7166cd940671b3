use std::process::ExitCode;

use clap::Parser;
use pocket_sim::{banner, serve, Cli, Config, SimState};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::try_from(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pocket-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind((cli.host.as_str(), cli.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("pocket-sim: cannot bind {}:{}: {e}", cli.host, cli.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("pocket-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut config = config;
    if cli.dxlink_url.is_none() {
        config.dxlink_url = pocket_sim::config::dxlink_url_for(addr);
    }
    let sim = match SimState::new(config.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pocket-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", banner(&config, &format!("http://{addr}")));
    if !addr.ip().is_loopback() {
        println!("  warning          bound to a non-loopback address; this is a test server with fake credentials");
    }
    match serve(sim, listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pocket-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
