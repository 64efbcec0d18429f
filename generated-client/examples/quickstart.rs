//! Quickstart: list pipelines, read one, stream its runs, and handle an API error.
//!
//! ```sh
//! export PLANASONIX_API_KEY=plnx_live_…                          # required
//! export PLANASONIX_BASE_URL=https://acme.planasonixapis.com     # optional: your tenant host
//! cargo run -p planasonix --example quickstart
//! ```
//!
//! `./scripts/generate` runs it against a Prism mock server of `spec/planasonix.yaml`.

use futures_util::TryStreamExt;
use planasonix::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Reads PLANASONIX_API_KEY and PLANASONIX_BASE_URL (default: https://api.planasonix.com).
    let client = Client::from_env()?;

    // One page of pipelines: its items, plus the cursor of the next page (`None` on the last one).
    let page = client
        .pipelines()
        .list()
        .status("active")
        .limit(20)
        .send()
        .await?;
    println!(
        "{} active pipeline(s) on the first page; next cursor: {:?}",
        page.items.len(),
        page.next_token()
    );
    let Some(summary) = page.items.first() else {
        println!("no active pipelines yet");
        return Ok(());
    };

    // One pipeline, with its graph. The `{"data": …}` envelope is unwrapped for you.
    let pipeline = client.pipelines().get(&summary.id).send().await?;
    let nodes = pipeline.nodes.as_ref().map_or(0, Vec::len);
    println!(
        "{} ({}, {}): {nodes} node(s)",
        pipeline.name, pipeline.id, pipeline.status
    );

    // Its latest runs as a stream: pages are fetched lazily, and it stops after 5 runs.
    let runs: Vec<_> = client
        .pipelines()
        .list_runs(&pipeline.id)
        .pages()
        .max_items(5)
        .items()
        .try_collect()
        .await?;
    for run in &runs {
        let started = run.started_at.value().map(|t| t.to_rfc3339());
        println!(
            "  run {}: {} (started {})",
            run.id,
            run.status,
            started.as_deref().unwrap_or("-")
        );
    }

    // Errors are values to match on. `Error::Api` is an HTTP error answer, with the status and the
    // error envelope's code, message and request id; the others are transport, timeout, decode…
    match client.runs().list().limit(0).send().await {
        Ok(_) => println!("a page size of 0 was accepted"),
        Err(Error::Api(api)) => println!(
            "refused as expected: HTTP {}, code {:?}, message {:?}, request id {:?}",
            api.status(),
            api.error_code(),
            api.message(),
            api.request_id()
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
