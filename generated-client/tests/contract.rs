//! Contract tests: the generated client against the Prism mock server of `spec/planasonix.yaml`.
//!
//! Every operation of the client is called once or more, with valid arguments (the spec's example ids
//! and values), twice over:
//!
//! * **static mode**: Prism answers with the spec's examples, so a few exact values are asserted too
//!   (ids, page cursors, statuses, rate-limit headers, error mapping);
//! * **dynamic mode** (`-d`): Prism answers with random data generated from the response schemas,
//!   which proves the generated types decode anything the schemas allow.
//!
//! Prism validates every request against the spec (path, query, headers, security, body) and answers
//! a request that does not match with a 4xx; such a call fails the test, with Prism's
//! `sl-violations` header in the message, and so does every violation Prism logs. All failures of a
//! mode are collected and reported together, by operation id.
//!
//! Needs the Prism binary: run `./scripts/tools.sh` from the workspace root first. Set
//! `CONTRACT_PRISM_LOG_DIR=<dir>` to keep Prism's logs (`prism-static.log`, `prism-dynamic.log`).

mod support;

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use futures_util::{StreamExt, TryStreamExt};
use planasonix::apis::ai::{EnhancePipelineResponse, GeneratePipelineResponse};
use planasonix::apis::pipelines::GetPipelineError;
use planasonix::models;
use planasonix::{Client, Error, PageToken, RateLimit, RequestOptions, WaitConfig, WaitError};
use serde_json::{Map, Value, json};
use support::prism::{Mode, Prism, spec_operation_ids};

// Ids and values from the spec's examples.
const PIPELINE: &str = "pl_01hqxyz";
const RUN: &str = "run_01j8k2m4";
const CONNECTION: &str = "conn_01hqxyz";
const ORCHESTRATED_CONNECTION: &str = "conn_01jq8k2m3n4p5q6r7s8t9u0v1";
const CREDENTIAL: &str = "cred_01hqabc";
const PROJECT: &str = "prj_01";
const FOLDER: &str = "fld_02";
const SCHEDULE: &str = "sch_01j9k2m4n5p6q7r8";
const TRIGGER: &str = "trg_01j9k4w8x9y0z1a2";
const TEMPLATE: &str = "tmpl_01j9k5h6i7j8k9l0";
const AGENT: &str = "agt_01jq8prod01";
const STREAM: &str = "str_01j9k9z0a1b2c3d4";
const REVERSE_ETL_SYNC: &str = "retl_sync_01j9k6m7n8o9p0q1";
const CONTRACT: &str = "ctr_01j9k7p8q9r0s1t2";
const CATALOG_TABLE: &str = "cat_tbl_01inventory";
const DLQ_ENTRY: &str = "dlq_01jq8row001";
/// `meta.cursor` of the `GET /api/runs` example (a cursor to a next page).
const RUNS_EXAMPLE_CURSOR: &str = "eyJpZCI6InJ1bl8wMWo3ajFrMiJ9";
/// The rate-limit headers of every 2xx example response: limit, remaining, reset.
const EXAMPLE_RATE_LIMIT: (u64, u64, u64) = (1200, 1190, 1_712_345_678);

/// Operations deliberately not called, with the reason. Every entry is a known problem that is
/// reported, not hidden: keep this list empty unless an operation cannot succeed against Prism.
const EXCLUDED: &[(&str, &str)] = &[];

/// A problem of the client or the spec that this test detects and reports but does not fail on,
/// so that the rest stays green until it is fixed. Each entry matches failure messages of one mode
/// by their start; an entry that matches nothing fails the test, so it goes once the problem is fixed.
struct KnownProblem {
    mode: Mode,
    failure: &'static str,
    diagnosis: &'static str,
}

const KNOWN_PROBLEMS: &[KnownProblem] = &[];

#[tokio::test(flavor = "multi_thread")]
async fn static_mock_every_operation_succeeds_and_decodes() {
    run_contract(Mode::Static).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamic_mock_every_operation_succeeds_and_decodes() {
    run_contract(Mode::Dynamic).await;
}

/// Starts Prism in `mode`, calls every operation, and fails with every problem found.
async fn run_contract(mode: Mode) {
    let started = Instant::now();
    let prism = tokio::task::spawn_blocking(move || Prism::start(mode))
        .await
        .expect("Prism start-up thread");
    let ready = started.elapsed();
    let client = Client::builder()
        .api_key("plnx_test_demo")
        .base_url(prism.base_url())
        .expect("Prism's loopback URL is accepted")
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client");

    let mut c = Contract {
        client,
        mode,
        called: BTreeSet::new(),
        calls: 0,
        failures: Vec::new(),
        expected_violations: Vec::new(),
    };
    auth(&mut c).await;
    user_settings(&mut c).await;
    pipelines(&mut c).await;
    runs(&mut c).await;
    connections(&mut c).await;
    credentials(&mut c).await;
    projects(&mut c).await;
    folders(&mut c).await;
    global_variables(&mut c).await;
    schedules(&mut c).await;
    triggers(&mut c).await;
    templates(&mut c).await;
    agents(&mut c).await;
    ai(&mut c).await;
    git(&mut c).await;
    orchestration(&mut c).await;
    streams(&mut c).await;
    reverse_etl(&mut c).await;
    contracts(&mut c).await;
    catalog(&mut c).await;
    lineage(&mut c).await;
    convert(&mut c).await;
    dlq(&mut c).await;
    errors(&mut c).await;
    security(&mut c, prism.base_url()).await;

    // Coverage: every operation of the spec was called (or is explicitly excluded), and every
    // label used above is a real operation id.
    let spec_ops: BTreeSet<String> = spec_operation_ids().into_iter().collect();
    let excluded: BTreeSet<&str> = EXCLUDED.iter().map(|(op, _)| *op).collect();
    for op in &spec_ops {
        if !c.called.contains(op.as_str()) && !excluded.contains(op.as_str()) {
            c.failures
                .push(format!("{op}: not called by the contract test"));
        }
    }
    for op in &c.called {
        if !spec_ops.contains(*op) {
            c.failures
                .push(format!("{op}: not an operation id of the spec"));
        }
    }
    if let Some(dir) = std::env::var_os("CONTRACT_PRISM_LOG_DIR") {
        // Debugging aid: keep Prism's whole log (every request, negotiation and validation step).
        let path = std::path::Path::new(&dir).join(format!("prism-{mode:?}.log").to_lowercase());
        std::fs::write(&path, prism.log_text()).expect("write Prism's log");
    }
    let mut expected_violations = c.expected_violations.clone();
    for violation in prism.violations() {
        match expected_violations.iter().position(|v| *v == violation) {
            Some(i) => drop(expected_violations.remove(i)),
            None => c
                .failures
                .push(format!("Prism logged a violation: {violation}")),
        }
    }

    println!(
        "contract ({mode:?}): {} operations, {} calls, Prism ready in {:.1?}, calls took {:.1?}, {} excluded",
        c.called.len(),
        c.calls,
        ready,
        started.elapsed() - ready,
        EXCLUDED.len(),
    );
    for (op, reason) in EXCLUDED {
        println!("contract ({mode:?}): EXCLUDED {op}: {reason}");
    }
    for known in KNOWN_PROBLEMS.iter().filter(|k| k.mode == mode) {
        let before = c.failures.len();
        c.failures.retain(|f| !f.starts_with(known.failure));
        if c.failures.len() == before {
            c.failures.push(format!(
                "known problem no longer seen, remove it from KNOWN_PROBLEMS: {}",
                known.failure
            ));
        } else {
            println!(
                "contract ({mode:?}): KNOWN PROBLEM {} — {}",
                known.failure, known.diagnosis
            );
        }
    }
    assert!(
        c.failures.is_empty(),
        "{} problem(s) against the {mode:?} Prism mock:\n  - {}",
        c.failures.len(),
        c.failures.join("\n  - ")
    );
}

/// The state of one contract run: the client, the operations called, the failures collected.
struct Contract {
    client: Client,
    mode: Mode,
    called: BTreeSet<&'static str>,
    calls: usize,
    failures: Vec<String>,
    /// Violations Prism logs for requests that are invalid on purpose.
    expected_violations: Vec<String>,
}

impl Contract {
    fn is_static(&self) -> bool {
        self.mode == Mode::Static
    }

    /// Records one call of `op`: its value, or a failure with the error's description.
    fn record<T, E: Debug>(&mut self, op: &'static str, result: Result<T, Error<E>>) -> Option<T> {
        self.called.insert(op);
        self.calls += 1;
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.failures.push(format!("{op}: {}", describe(&error)));
                None
            }
        }
    }

    /// Records a failed expectation about `op`'s answer.
    fn expect(&mut self, op: &'static str, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(format!("{op}: {}", what()));
        }
    }

    /// Checks a response's status and its rate-limit headers (declared on every 2xx response):
    /// the example's values in static mode; in dynamic mode, that what the client parsed is what
    /// Prism sent.
    fn expect_response_meta(
        &mut self,
        op: &'static str,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        rate_limit: &RateLimit,
        expected_status: u16,
    ) {
        self.expect(op, status == expected_status, || {
            format!("status {status}, expected {expected_status}")
        });
        let raw = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (limit, remaining, reset) = (
            raw("x-ratelimit-limit"),
            raw("x-ratelimit-remaining"),
            raw("x-ratelimit-reset"),
        );
        self.expect(
            op,
            limit.is_some() && remaining.is_some() && reset.is_some(),
            || format!("rate-limit headers missing: {headers:?}"),
        );
        if self.is_static() {
            let (l, r, t) = EXAMPLE_RATE_LIMIT;
            let expected = (Some(l), Some(r), Some(t));
            let got = (rate_limit.limit, rate_limit.remaining, rate_limit.reset);
            self.expect(op, got == expected, || {
                format!("rate limit {got:?}, expected {expected:?}")
            });
        } else {
            // Unsigned values are exposed as sent (the reset, when below 10⁹, is read as a delta).
            let parsed = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<u64>().ok());
            let expected = (parsed(&limit), parsed(&remaining));
            let got = (rate_limit.limit, rate_limit.remaining);
            self.expect(op, got == expected, || {
                format!("rate limit {got:?}, but Prism sent {limit:?} / {remaining:?}")
            });
            if let Some(reset) = parsed(&reset).filter(|r| *r >= 1_000_000_000) {
                self.expect(op, rate_limit.reset == Some(reset), || {
                    format!(
                        "rate-limit reset {:?}, but Prism sent {reset}",
                        rate_limit.reset
                    )
                });
            }
        }
    }
}

/// An error's `Display`, plus what Prism said about a rejected request.
fn describe<E: Debug>(error: &Error<E>) -> String {
    let mut text = error.to_string();
    if let Some(api) = error.api() {
        match api.headers().get("sl-violations") {
            Some(violations) => {
                text.push_str(" — Prism: ");
                text.push_str(violations.to_str().unwrap_or("(not UTF-8)"));
            }
            None => {
                let body = api.body_text();
                text.push_str(" — body: ");
                text.push_str(&body.chars().take(300).collect::<String>());
            }
        }
    }
    text
}

/// A JSON object literal as a `serde_json::Map` (the type of free-form `config`/`metadata` fields).
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .expect("valid date")
}

/// The two-node graph of the spec's pipeline examples.
fn example_graph() -> (Vec<models::PipelineNode>, Vec<models::PipelineEdge>) {
    let mut source = models::PipelineNode::new("n1".into(), "s3_source".into());
    source.name = Some("Raw sales files".into());
    source.config = Some(object(json!({"bucket": "acme-raw", "prefix": "sales/"})));
    source.position = Some(models::NodePosition::new(120.0, 80.0));
    let mut load = models::PipelineNode::new("n2".into(), "snowflake_load".into());
    load.name = Some("Load orders".into());
    load.config = Some(object(json!({"table": "ANALYTICS.SALES.ORDERS"})));
    load.position = Some(models::NodePosition::new(420.0, 80.0));
    let edge = models::PipelineEdge::new("n1".into(), "n2".into());
    (vec![source, load], vec![edge])
}

async fn auth(c: &mut Contract) {
    let api = c.client.auth();
    c.record(
        "login",
        api.login(models::LoginRequest::new(
            "ada@acme.example".into(),
            "correct horse battery staple".into(),
        ))
        .send()
        .await,
    );
    c.record(
        "refreshToken",
        api.refresh_token(models::RefreshTokenRequest::new(
            "plnx_rt_01j8k2m4n6p8q0r2s4t6u8v0".into(),
        ))
        .send()
        .await,
    );
    c.record(
        "registerUser",
        api.register_user(models::RegisterRequest::new(
            "grace@acme.example".into(),
            "s3cure-Passw0rd!".into(),
            "Grace Hopper".into(),
        ))
        .idempotency_key("3f6c2b1e-8a4d-4c1f-9a57-0d2e6b8f4a11")
        .send()
        .await,
    );
    c.record(
        "requestPasswordReset",
        api.request_password_reset(models::ForgotPasswordRequest::new(
            "ada@acme.example".into(),
        ))
        .send()
        .await,
    );
    c.record(
        "resetPassword",
        api.reset_password(models::ResetPasswordRequest::new(
            "prt_01jq8reset9x".into(),
            "n3w-Passw0rd!".into(),
        ))
        .send()
        .await,
    );
    c.record(
        "verifyEmail",
        api.verify_email(models::VerifyEmailRequest::new("evt_01jq8verify2k".into()))
            .send()
            .await,
    );
    c.record(
        "startDeviceAuthorization",
        api.start_device_authorization().send().await,
    );
    c.record(
        "pollDeviceToken",
        api.poll_device_token(models::DeviceTokenRequest::new(
            "dc_01jq8k2m3n4p5q6r7s8t".into(),
        ))
        .send()
        .await,
    );
}

async fn user_settings(c: &mut Contract) {
    let api = c.client.user_settings();
    c.record("getUserProfile", api.get_profile().send().await);
    let mut profile = models::UpdateUserProfileRequest::new();
    profile.display_name = Some("Ada King".into());
    profile.timezone = Some("Europe/London".into());
    profile.locale = Some("en-GB".into());
    c.record(
        "updateUserProfile",
        api.update_profile(profile).send().await,
    );
    c.record(
        "changePassword",
        api.change_password(models::ChangePasswordRequest::new(
            "correct horse battery staple".into(),
            "n3w-Passw0rd!".into(),
        ))
        .send()
        .await,
    );
    c.record("getMfaStatus", api.get_mfa_status().send().await);
    c.record(
        "enableMfa",
        api.enable_mfa(models::EnableMfaRequest::new("totp".into()))
            .send()
            .await,
    );
    c.record(
        "verifyMfa",
        api.verify_mfa(models::VerifyMfaRequest::new(
            "mfaenr_01jq801".into(),
            "482193".into(),
        ))
        .send()
        .await,
    );
}

async fn pipelines(c: &mut Contract) {
    let api = c.client.pipelines();

    // One page, with every filter.
    let page = c.record(
        "listPipelines",
        api.list()
            .project_id(PROJECT)
            .folder_id(FOLDER)
            .search("sales")
            .status("active")
            .limit(50)
            .send()
            .await,
    );
    // The example has `meta.total` and no `meta.page`: the first page is the last.
    let pages = api.list().pages().take(3).collect::<Vec<_>>().await;
    let pages: Vec<_> = pages
        .into_iter()
        .filter_map(|p| c.record("listPipelines", p))
        .collect();
    if c.is_static() {
        if let Some(page) = page {
            c.expect(
                "listPipelines",
                page.items.len() == 1 && page.is_last(),
                || {
                    format!(
                        "{} item(s), next {:?}: expected the example's one item and no next page",
                        page.items.len(),
                        page.next
                    )
                },
            );
            let total = page.meta.as_ref().map(|m| m.total);
            c.expect("listPipelines", total == Some(1), || {
                format!("meta.total {total:?}")
            });
        }
        c.expect("listPipelines", pages.len() == 1, || {
            format!(
                "pages() yielded {} page(s), expected 1 (no cursor in the example)",
                pages.len()
            )
        });
    }

    let (nodes, edges) = example_graph();
    let mut create = models::CreatePipelineRequest::new(
        "Nightly sales load".into(),
        PROJECT.into(),
        nodes.clone(),
        edges.clone(),
    );
    create.folder_id = Some(FOLDER.into());
    if let Some(r) = c.record(
        "createPipeline",
        api.create(create).send_with_response().await,
    ) {
        c.expect_response_meta(
            "createPipeline",
            r.status(),
            r.headers(),
            r.rate_limit(),
            201,
        );
    }

    if let Some(r) = c.record("getPipeline", api.get(PIPELINE).send_with_response().await) {
        c.expect_response_meta("getPipeline", r.status(), r.headers(), r.rate_limit(), 200);
        if c.is_static() {
            let p = r.value();
            c.expect("getPipeline", p.id == PIPELINE, || format!("id {:?}", p.id));
            c.expect(
                "getPipeline",
                p.nodes.as_ref().map(Vec::len) == Some(2),
                || format!("nodes {:?}", p.nodes),
            );
        }
    }

    let mut update = models::UpdatePipelineRequest::new();
    update.nodes = Some(nodes.clone());
    update.edges = Some(edges.clone());
    c.record("updatePipeline", api.update(PIPELINE, update).send().await);

    if let Some(r) = c.record(
        "deletePipeline",
        api.delete(PIPELINE).send_with_response().await,
    ) {
        c.expect_response_meta(
            "deletePipeline",
            r.status(),
            r.headers(),
            r.rate_limit(),
            204,
        );
    }

    c.record(
        "updatePipelineStatus",
        api.update_status(
            PIPELINE,
            models::UpdatePipelineStatusRequest::new("paused".into()),
        )
        .send()
        .await,
    );

    let run = c.record(
        "runPipeline",
        api.run(PIPELINE)
            .variables(object(json!({"run_date": "2025-03-27"})))
            .environment_id("env_prod")
            .send_with_response()
            .await,
    );
    if let Some(r) = run {
        c.expect_response_meta("runPipeline", r.status(), r.headers(), r.rate_limit(), 202);
    }
    // Without a body (it is optional).
    c.record("runPipeline", api.run(PIPELINE).send().await);

    // The example's `meta.cursor` is null: one page.
    let pages = api
        .list_runs(PIPELINE)
        .limit(50)
        .pages()
        .take(3)
        .collect::<Vec<_>>()
        .await;
    let pages: Vec<_> = pages
        .into_iter()
        .filter_map(|p| c.record("listPipelineRuns", p))
        .collect();
    if c.is_static() {
        c.expect(
            "listPipelineRuns",
            pages.len() == 1 && pages[0].is_last(),
            || {
                format!(
                    "pages() yielded {} page(s), expected 1 (null cursor in the example)",
                    pages.len()
                )
            },
        );
    }

    c.record(
        "getPipelineExecutionStatus",
        api.get_execution_status(PIPELINE).send().await,
    );
    c.record(
        "getPipelineExecutionPlan",
        api.get_execution_plan(PIPELINE).send().await,
    );
    c.record("getPipelineLineage", api.get_lineage(PIPELINE).send().await);
    c.record(
        "getPipelineColumnLineage",
        api.get_column_lineage(PIPELINE).node_id("n2").send().await,
    );
    c.record(
        "getPipelineQueryPlan",
        api.get_query_plan(PIPELINE, "n2").send().await,
    );

    let mut preview = models::PreviewPipelineRequest::new(nodes, edges);
    preview.node_id = Some("n2".into());
    preview.limit = Some(100);
    c.record("previewPipeline", api.preview(preview).send().await);
}

async fn runs(c: &mut Contract) {
    let api = c.client.runs();
    c.record(
        "listRuns",
        api.list()
            .pipeline_id("pl_02hqabc")
            .status("failed")
            .date_range("2025-03-01..2025-03-31")
            .limit(50)
            .send()
            .await,
    );
    c.record(
        "listRuns",
        api.list()
            .from(utc(2025, 3, 1))
            .to(utc(2025, 4, 1))
            .send()
            .await,
    );

    // The example has a next cursor (`meta.cursor`), and Prism answers the same page, with the
    // same cursor, to the request for the next page. The stream follows the cursor once, delivers
    // that page (the first one asked for with that cursor), and its loop guard then stops it with
    // an error rather than fetching the same page forever. In dynamic
    // mode every page has a fresh random cursor (or none): the stream goes on, bounded by take(3).
    let pages = api
        .list()
        .limit(1)
        .pages()
        .take(3)
        .collect::<Vec<_>>()
        .await;
    if c.is_static() {
        c.called.insert("listRuns");
        c.calls += pages.len();
        let expected = Some(PageToken::Cursor(RUNS_EXAMPLE_CURSOR.into()));
        let shape: Vec<String> = pages
            .iter()
            .map(|p| match p {
                Ok(page) => format!("Ok({} item(s), next {:?})", page.items.len(), page.next),
                Err(e) => format!("Err({e})"),
            })
            .collect();
        let followed = matches!(
            pages.as_slice(),
            [Ok(first), Ok(second), Err(Error::Decode(guard))]
                if first.next == expected
                    && second.next == expected
                    && guard.message.contains("already used")
        );
        c.expect("listRuns", followed, || {
            format!(
                "pages(): expected the example page twice (next {expected:?}), then the loop \
                 guard on the repeated cursor; got {shape:?}"
            )
        });
    } else {
        for page in pages {
            c.record("listRuns", page);
        }
    }
    // `max_items` stops the stream without requesting a page it does not need.
    let items = api
        .list()
        .limit(1)
        .pages()
        .max_items(1)
        .items()
        .try_collect::<Vec<_>>()
        .await;
    if let Some(items) = c.record("listRuns", items) {
        c.expect("listRuns", items.len() <= 1, || {
            format!("items() with max_items(1) gave {} items", items.len())
        });
        if c.is_static() {
            c.expect("listRuns", items.len() == 1 && items[0].id == RUN, || {
                format!(
                    "items() gave {:?}",
                    items.iter().map(|r| &r.id).collect::<Vec<_>>()
                )
            });
        }
    }

    if let Some(run) = c.record("getRun", api.get(RUN).send().await) {
        if c.is_static() {
            c.expect("getRun", run.id == RUN, || format!("id {:?}", run.id));
        }
    }
    // The waiter polls getRun. The example run has failed: the wait ends at once with `Failed`.
    let waited = api
        .wait_until_run_finished(
            RUN,
            WaitConfig::default()
                .initial_interval(Duration::from_millis(50))
                .max_interval(Duration::from_millis(200))
                .deadline(Duration::from_secs(1)),
        )
        .await;
    c.called.insert("getRun");
    match waited {
        Err(WaitError::Poll(e)) => c
            .failures
            .push(format!("getRun (waiter): {}", describe(&e))),
        Err(WaitError::Failed(run)) if c.is_static() => {
            c.expect("getRun", run.id == RUN, || {
                format!("waiter: id {:?}", run.id)
            });
        }
        other if c.is_static() => c.failures.push(format!(
            "getRun (waiter): expected Failed (the example run failed), got {other:?}"
        )),
        _ => {} // dynamic mode: any status is possible; the polls decoded
    }

    if let Some(r) = c.record("cancelRun", api.cancel(RUN).send_with_response().await) {
        c.expect_response_meta("cancelRun", r.status(), r.headers(), r.rate_limit(), 202);
    }
    c.record("listRunNodes", api.list_nodes(RUN).send().await);
    let logs = c.record(
        "getRunLogs",
        api.get_logs(RUN)
            .node_id("n1")
            .since("2025-03-27T02:00:00Z")
            .send()
            .await,
    );
    if let (Some(logs), true) = (logs, c.is_static()) {
        c.expect(
            "getRunLogs",
            logs.starts_with("2025-03-27T02:00:04Z INFO run started"),
            || format!("logs {logs:?}"),
        );
    }
}

async fn connections(c: &mut Contract) {
    let api = c.client.connections();
    c.record(
        "listConnections",
        api.list()
            .r#type("snowflake")
            .search("prod")
            .limit(50)
            .send()
            .await,
    );
    let items = api.list().items().take(5).collect::<Vec<_>>().await;
    for item in items {
        c.record("listConnections", item);
    }

    let mut create = models::CreateConnectionRequest::new(
        "Snowflake prod".into(),
        "snowflake".into(),
        object(json!({"account": "acme-xy12345", "warehouse": "LOAD_WH", "database": "ANALYTICS"})),
    );
    create.credential_id = Some(CREDENTIAL.into());
    c.record("createConnection", api.create(create).send().await);
    c.record("getConnection", api.get(CONNECTION).send().await);
    let mut update = models::UpdateConnectionRequest::new();
    update.name = Some("Snowflake production".into());
    c.record(
        "updateConnection",
        api.update(CONNECTION, update).send().await,
    );
    c.record("deleteConnection", api.delete(CONNECTION).send().await);

    let mut test = models::TestConnectionRequest::new(
        "postgres".into(),
        object(json!({"host": "db.internal.example.com", "port": 5432, "database": "staging"})),
    );
    test.credential_id = Some(CREDENTIAL.into());
    c.record("testConnection", api.test(test).send().await);

    c.record(
        "listConnectionTables",
        api.list_tables(CONNECTION)
            .schema("public")
            .limit(50)
            .send()
            .await,
    );
    c.record(
        "listConnectionColumns",
        api.list_columns(CONNECTION, "orders")
            .schema("public")
            .send()
            .await,
    );
    c.record(
        "listConnectionSchemas",
        api.list_schemas(CONNECTION).send().await,
    );
    c.record(
        "listConnectionCatalogs",
        api.list_catalogs(CONNECTION).send().await,
    );
    c.record(
        "previewConnectionData",
        api.preview_data(CONNECTION, "orders")
            .schema("public")
            .limit(10)
            .send()
            .await,
    );
    c.record(
        "getConnectorGallery",
        api.get_connector_gallery().send().await,
    );
}

async fn credentials(c: &mut Contract) {
    let api = c.client.credentials();
    c.record("listCredentials", api.list().limit(50).send().await);
    c.record(
        "createCredential",
        api.create(models::CreateCredentialRequest::new(
            "staging-postgres-etl".into(),
            "database".into(),
            object(json!({
                "engine": "postgresql", "host": "db.internal.example.com", "port": 5432,
                "database": "staging", "username": "etl", "password": "s3cret"
            })),
        ))
        .send()
        .await,
    );
}

async fn projects(c: &mut Contract) {
    let api = c.client.projects();
    c.record("listProjects", api.list().search("sales").send().await);
    let mut create = models::CreateProjectRequest::new("Marketing".into());
    create.description = Some("Campaign and attribution pipelines".into());
    if let Some(r) = c.record(
        "createProject",
        api.create(create).send_with_response().await,
    ) {
        c.expect_response_meta(
            "createProject",
            r.status(),
            r.headers(),
            r.rate_limit(),
            201,
        );
    }
    c.record("getProject", api.get(PROJECT).send().await);
    let mut update = models::UpdateProjectRequest::new();
    update.name = Some("Sales & finance analytics".into());
    c.record("updateProject", api.update(PROJECT, update).send().await);
    c.record("deleteProject", api.delete(PROJECT).send().await);
}

async fn folders(c: &mut Contract) {
    let api = c.client.folders();
    c.record("listFolders", api.list(PROJECT).send().await);
    let mut create = models::CreateFolderRequest::new(PROJECT.into(), "Hourly".into());
    create.parent_id = Some(FOLDER.into());
    c.record("createFolder", api.create(create).send().await);
    c.record("getFolder", api.get(FOLDER).send().await);
    // `parentId: null` moves the folder to the project root (explicit null, not an absent field).
    let mut update = models::UpdateFolderRequest::new();
    update.name = Some("Nightly loads".into());
    update.parent_id = planasonix::Nullable::Null;
    c.record("updateFolder", api.update(FOLDER, update).send().await);
    c.record("deleteFolder", api.delete(FOLDER).send().await);
}

async fn global_variables(c: &mut Contract) {
    let api = c.client.global_variables();
    c.record("listGlobalVariables", api.list().limit(50).send().await);
    let mut upsert =
        models::UpsertGlobalVariableRequest::new("warehouse_name".into(), "LOAD_WH".into());
    upsert.description = Some("Snowflake warehouse for loads".into());
    c.record("upsertGlobalVariable", api.upsert(upsert).send().await);
}

async fn schedules(c: &mut Contract) {
    let api = c.client.schedules();
    c.record(
        "listSchedules",
        api.list()
            .pipeline_id("pl_01hq8sales_nightly")
            .enabled(true)
            .limit(50)
            .send()
            .await,
    );
    let mut create = models::CreateScheduleRequest::new(
        "pl_01hq8sales_nightly".into(),
        "0 2 * * *".into(),
        "America/Chicago".into(),
    );
    create.enabled = true;
    c.record("createSchedule", api.create(create).send().await);
    c.record("getSchedule", api.get(SCHEDULE).send().await);
    let mut update = models::UpdateScheduleRequest::new();
    update.cron_expression = Some("30 3 * * *".into());
    c.record("updateSchedule", api.update(SCHEDULE, update).send().await);
    c.record("deleteSchedule", api.delete(SCHEDULE).send().await);
    c.record("enableSchedule", api.enable(SCHEDULE).send().await);
    c.record("disableSchedule", api.disable(SCHEDULE).send().await);
}

async fn triggers(c: &mut Contract) {
    let api = c.client.triggers();
    c.record(
        "listTriggers",
        api.list()
            .pipeline_id(PIPELINE)
            .r#type("s3")
            .limit(50)
            .send()
            .await,
    );
    let mut create =
        models::CreateTriggerRequest::new("Raw sales drop".into(), "s3".into(), PIPELINE.into());
    create.connection_id = Some("conn_01hqaws".into());
    create.bucket = Some("acme-raw".into());
    create.prefix = Some("sales/".into());
    create.suffix = Some(".parquet".into());
    c.record("createTrigger", api.create(create).send().await);
    c.record("getTrigger", api.get(TRIGGER).send().await);
    let mut update = models::UpdateTriggerRequest::new();
    update.enabled = Some(false);
    c.record("updateTrigger", api.update(TRIGGER, update).send().await);
    c.record("deleteTrigger", api.delete(TRIGGER).send().await);
    c.record("enableTrigger", api.enable(TRIGGER).send().await);
    c.record("disableTrigger", api.disable(TRIGGER).send().await);
}

async fn templates(c: &mut Contract) {
    let api = c.client.templates();
    c.record(
        "listTemplates",
        api.list()
            .search("snowflake")
            .tags(vec!["s3".into(), "snowflake".into()])
            .visibility("organization")
            .sort("-rating_avg")
            .limit(50)
            .send()
            .await,
    );
    let mut create =
        models::CreateTemplateRequest::new(PIPELINE.into(), "S3 to Snowflake (dedupe)".into());
    create.description = Some("Loads files from S3, dedupes and loads Snowflake.".into());
    create.visibility = Some("organization".into());
    create.tags = Some(vec!["s3".into(), "snowflake".into()]);
    c.record("createTemplate", api.create(create).send().await);
    c.record("getTemplate", api.get(TEMPLATE).send().await);
}

async fn agents(c: &mut Contract) {
    let api = c.client.agents();
    c.record(
        "listAgents",
        api.list()
            .status("active")
            .label("prod")
            .limit(50)
            .send()
            .await,
    );
    let mut register = models::RegisterAgentRequest::new("prod-us-west-2-b".into(), "linux".into());
    register.tags = Some(vec!["region:us-west-2".into(), "env:production".into()]);
    register.metadata = Some(object(
        json!({"k8s_namespace": "planasonix", "node_pool": "etl"}),
    ));
    c.record("registerAgent", api.register(register).send().await);
    c.record("getAgent", api.get(AGENT).send().await);
}

async fn ai(c: &mut Contract) {
    let api = c.client.ai();
    c.record("getAiStatus", api.get_status().send().await);

    let mut constraints = models::GenerationConstraints::new();
    constraints.max_nodes = Some(8);
    constraints.allowed_credential_types = Some(vec!["aws".into(), "database".into()]);
    let mut generate = models::GeneratePipelineRequest::new(
        "Load new CSV files from s3://acme-raw/orders into Snowflake, deduplicated by order_id"
            .into(),
    );
    generate.target_environment = Some("staging".into());
    generate.constraints = Some(constraints);
    // 200 (a proposal) by default; 202 (an async job) when Prism is asked for it.
    let proposal = c.record(
        "generatePipeline",
        api.generate_pipeline(generate.clone()).send().await,
    );
    c.expect(
        "generatePipeline",
        matches!(proposal, None | Some(GeneratePipelineResponse::Ok(_))),
        || format!("expected the 200 proposal, got {proposal:?}"),
    );
    let job = c.record(
        "generatePipeline",
        api.generate_pipeline(generate)
            .options(RequestOptions::default().header("Prefer", "code=202"))
            .send()
            .await,
    );
    c.expect(
        "generatePipeline",
        matches!(job, None | Some(GeneratePipelineResponse::Accepted(_))),
        || format!("with `Prefer: code=202`, expected the async job, got {job:?}"),
    );

    let enhance = models::EnhancePipelineRequest::new(
        PIPELINE.into(),
        "Add a data-quality check that rejects negative amounts".into(),
    );
    let proposal = c.record(
        "enhancePipeline",
        api.enhance_pipeline(enhance.clone()).send().await,
    );
    c.expect(
        "enhancePipeline",
        matches!(proposal, None | Some(EnhancePipelineResponse::Ok(_))),
        || format!("expected the 200 proposal, got {proposal:?}"),
    );
    let job = c.record(
        "enhancePipeline",
        api.enhance_pipeline(enhance)
            .options(RequestOptions::default().header("Prefer", "code=202"))
            .send()
            .await,
    );
    c.expect(
        "enhancePipeline",
        matches!(job, None | Some(EnhancePipelineResponse::Accepted(_))),
        || format!("with `Prefer: code=202`, expected the async job, got {job:?}"),
    );
}

async fn git(c: &mut Contract) {
    let api = c.client.git();
    c.record("getGitIntegration", api.get_integration().send().await);
    let mut credentials = models::GitCredentials::new("github_app".into());
    credentials.installation_id = Some("12345678".into());
    let mut save = models::SaveGitIntegrationRequest::new();
    save.enabled = Some(true);
    save.provider = Some("github".into());
    save.repository_url = Some("https://github.com/acme/data-pipelines".into());
    save.default_branch = Some("main".into());
    save.path_prefix = Some("pipelines/".into());
    save.credentials = Some(credentials);
    save.author_name = Some("Planasonix Bot".into());
    save.author_email = Some("bot@acme.example".into());
    c.record(
        "saveGitIntegration",
        api.save_integration(save).send().await,
    );
    c.record(
        "deleteGitIntegration",
        api.delete_integration().send().await,
    );
    let mut push = models::GitPushRequest::new(
        "planasonix/update-sales".into(),
        "Update nightly sales pipelines".into(),
    );
    push.pipeline_ids = Some(vec![PIPELINE.into(), "pl_02hqabc".into()]);
    push.create_pull_request = true;
    push.pr_title = Some("Update nightly sales pipelines".into());
    push.pr_body = Some("Exported from Planasonix.".into());
    c.record(
        "pushPipelinesToGit",
        api.push_pipelines_to(push).send().await,
    );
}

async fn orchestration(c: &mut Contract) {
    let api = c.client.orchestration();
    c.record(
        "startConnectionSync",
        api.start_connection_sync(ORCHESTRATED_CONNECTION)
            .pipeline_id(PIPELINE)
            .priority("normal")
            .metadata(object(json!({"triggered_by": "airflow"})))
            .send()
            .await,
    );
    // The body is optional.
    c.record(
        "startConnectionSync",
        api.start_connection_sync(ORCHESTRATED_CONNECTION)
            .send()
            .await,
    );
    let mut backfill = models::BackfillRequest::new(utc(2025, 1, 1), utc(2025, 2, 1));
    backfill.tables = Some(vec!["public.orders".into()]);
    backfill.priority = Some("low".into());
    backfill.metadata = Some(object(json!({"triggered_by": "ci"})));
    c.record(
        "startConnectionBackfill",
        api.start_connection_backfill(ORCHESTRATED_CONNECTION, backfill)
            .send()
            .await,
    );
}

async fn streams(c: &mut Contract) {
    let api = c.client.streams();
    c.record(
        "listStreams",
        api.list()
            .status("running")
            .source_type("postgres_cdc")
            .pipeline_id(PIPELINE)
            .limit(50)
            .send()
            .await,
    );
    let mut create = models::CreateStreamRequest::new(
        "orders-cdc".into(),
        "postgres_cdc".into(),
        PIPELINE.into(),
    );
    create.connection_id = Some("conn_01hqpg".into());
    create.config = Some(object(json!({
        "publication": "planasonix_pub", "slot": "planasonix_orders", "include_tables": ["public.orders"]
    })));
    c.record("createStream", api.create(create).send().await);
    c.record("getStreamSummary", api.get_summary().send().await);
    c.record("deleteStream", api.delete(STREAM).force(true).send().await);
    c.record("startStream", api.start(STREAM).send().await);
    c.record("stopStream", api.stop(STREAM).send().await);
    c.record("pauseStream", api.pause(STREAM).send().await);
}

async fn reverse_etl(c: &mut Contract) {
    let api = c.client.reverse_etl();
    c.record(
        "listReverseEtlSyncs",
        api.list_syncs()
            .destination_id("conn_sf_prod")
            .enabled(true)
            .limit(50)
            .send()
            .await,
    );
    let mut schedule = models::ReverseEtlSchedule::new("cron".into());
    schedule.expression = Some("15 */4 * * *".into());
    schedule.timezone = Some("UTC".into());
    let mut create = models::CreateReverseEtlSyncRequest::new(
        "Accounts to Salesforce".into(),
        "select * from analytics.crm.accounts".into(),
        "conn_sf_prod".into(),
        "Account".into(),
        vec![
            models::FieldMapping::new("account_name".into(), "Name".into()),
            models::FieldMapping::new("domain".into(), "Website".into()),
        ],
        "upsert".into(),
    );
    create.schedule = Some(schedule);
    c.record("createReverseEtlSync", api.create_sync(create).send().await);
    c.record(
        "getReverseEtlSync",
        api.get_sync(REVERSE_ETL_SYNC).send().await,
    );
    let mut update = models::UpdateReverseEtlSyncRequest::new();
    update.enabled = Some(false);
    c.record(
        "updateReverseEtlSync",
        api.update_sync(REVERSE_ETL_SYNC, update).send().await,
    );
    c.record(
        "deleteReverseEtlSync",
        api.delete_sync(REVERSE_ETL_SYNC).send().await,
    );
    let mut run = models::RunReverseEtlSyncsRequest::new();
    run.sync_ids = Some(vec![REVERSE_ETL_SYNC.into()]);
    c.record("runReverseEtlSyncs", api.run_syncs(run).send().await);
}

async fn contracts(c: &mut Contract) {
    let api = c.client.contracts();
    c.record("listContracts", api.list().limit(50).send().await);

    let mut order_id = models::ContractColumn::new("order_id".into(), "integer".into());
    order_id.nullable = Some(false);
    let mut email = models::ContractColumn::new("email".into(), "string".into());
    email.nullable = Some(true);
    let mut schema = models::ContractSchema::new();
    schema.primary_key = Some(vec!["order_id".into()]);
    schema.columns = Some(vec![order_id, email]);
    let mut email_format = models::QualityRule::new("email_format".into(), "regex".into());
    email_format.column = Some("email".into());
    email_format.pattern = Some("^[^@]+@[^@]+$".into());
    let mut non_negative = models::QualityRule::new("non_negative".into(), "sql_expression".into());
    non_negative.expression = Some("amount >= 0".into());
    let mut quality = models::ContractQuality::new();
    quality.rules = Some(vec![email_format, non_negative]);
    let mut sla = models::ContractSla::new();
    sla.freshness_max_lag_minutes = Some(60);
    sla.completeness_threshold_pct = Some(99.0);
    let mut create = models::CreateContractRequest::new("orders".into());
    create.description = Some("Orders fact table contract".into());
    create.schema = Some(schema);
    create.quality = Some(quality);
    create.sla = Some(sla.clone());
    c.record("createContract", api.create(create).send().await);

    c.record("getContract", api.get(CONTRACT).send().await);
    sla.freshness_max_lag_minutes = Some(30);
    sla.completeness_threshold_pct = Some(99.5);
    let mut update = models::UpdateContractRequest::new();
    update.sla = Some(sla);
    c.record("updateContract", api.update(CONTRACT, update).send().await);
}

async fn catalog(c: &mut Contract) {
    let api = c.client.catalog();
    c.record(
        "listCatalogTables",
        api.list_tables().limit(50).send().await,
    );
    c.record(
        "searchCatalogTables",
        api.search_tables("revenue").send().await,
    );
    c.record("getCatalogTable", api.get_table(CATALOG_TABLE).send().await);
}

async fn lineage(c: &mut Contract) {
    let api = c.client.lineage();
    c.record(
        "traceColumnLineage",
        api.trace_column("warehouse.analytics.fct_orders", "order_total")
            .depth(5)
            .include_inactive(false)
            .send()
            .await,
    );
    c.record(
        "traceUpstreamColumnLineage",
        api.trace_upstream_column("warehouse.analytics.fct_orders", "order_total")
            .depth(3)
            .send()
            .await,
    );
}

async fn convert(c: &mut Contract) {
    let api = c.client.convert();
    let mut discover =
        models::FivetranDiscoverRequest::new("fvt_key_xxxxxxxx".into(), "decent_dropsy".into());
    discover.include_paused = false;
    c.record(
        "discoverFivetranConnectors",
        api.discover_fivetran_connectors(discover).send().await,
    );

    let mut source = models::DbtSource::new("git".into());
    source.url = Some("https://github.com/acme/dbt-analytics.git".into());
    source.r#ref = Some("v1.4.2".into());
    source.path = Some("transform/".into());
    let mut dbt = models::ParseDbtRequest::new(source);
    dbt.target_profile = Some("prod".into());
    c.record("parseDbtProject", api.parse_dbt_project(dbt).send().await);

    let mut artifact = models::MatillionArtifact::new("upload".into());
    artifact.filename = Some("matillion-export.zip".into());
    artifact.content_type = Some("application/zip".into());
    let mut options = models::MatillionOptions::new();
    options.default_warehouse = Some("snowflake".into());
    options.map_orchestration_to = Some("pipeline_control_flow".into());
    let mut matillion = models::ParseMatillionRequest::new(artifact);
    matillion.options = Some(options);
    c.record(
        "parseMatillionExport",
        api.parse_matillion_export(matillion).send().await,
    );
}

async fn dlq(c: &mut Contract) {
    let api = c.client.dlq();
    c.record(
        "listDlqEntries",
        api.list_entries()
            .pipeline_id(PIPELINE)
            .connection_id(CONNECTION)
            .error_code("schema_drift")
            .since(utc(2025, 3, 1))
            .until(utc(2025, 4, 1))
            .limit(50)
            .send()
            .await,
    );
    c.record(
        "getDlqStats",
        api.get_stats()
            .since(utc(2025, 3, 1))
            .until(utc(2025, 4, 1))
            .send()
            .await,
    );
    c.record("getDlqEntry", api.get_entry(DLQ_ENTRY).send().await);
}

/// Error responses: Prism answers a documented error status when asked with `Prefer: code=…`; the
/// client maps it to `Error::Api` with the typed variant, the envelope's code and message.
async fn errors(c: &mut Contract) {
    let result = c
        .client
        .pipelines()
        .get(PIPELINE)
        .options(RequestOptions::default().header("Prefer", "code=404"))
        .send()
        .await;
    c.called.insert("getPipeline");
    c.calls += 1;
    match result {
        Err(Error::Api(api)) => {
            c.expect("getPipeline", api.status() == 404, || {
                format!("status {}", api.status())
            });
            c.expect(
                "getPipeline",
                matches!(api.typed(), Some(GetPipelineError::NotFound(_))),
                || format!("typed error {:?}, expected NotFound", api.typed()),
            );
            if c.is_static() {
                c.expect(
                    "getPipeline",
                    api.error_code() == Some(models::ErrorCode::NotFound),
                    || format!("error code {:?}", api.error_code()),
                );
                c.expect(
                    "getPipeline",
                    api.message() == Some("Pipeline pl_01hqxyz was not found."),
                    || format!("message {:?}", api.message()),
                );
                c.expect(
                    "getPipeline",
                    api.request_id() == Some("req_01jq8k2m3n4p"),
                    || format!("request id {:?}", api.request_id()),
                );
            }
        }
        other => c.failures.push(format!(
            "getPipeline with `Prefer: code=404`: expected Error::Api(404), got {other:?}"
        )),
    }
}

/// Both security schemes of the spec are accepted, and Prism does enforce them (so the calls above
/// prove the client sends its credentials): without a key, an authenticated operation is refused
/// with 401 and a public one (`security: []`) still succeeds.
async fn security(c: &mut Contract, base_url: &str) {
    let legacy = Client::builder()
        .api_key("plnx_test_demo")
        .auth_scheme(planasonix::runtime::AuthScheme::ApiKeyHeader(
            "X-Planasonix-Api-Key",
        ))
        .base_url(base_url)
        .and_then(|b| b.build())
        .expect("client with the legacy key header");
    c.record("getPipeline", legacy.pipelines().get(PIPELINE).send().await);

    let anonymous = Client::builder()
        .base_url(base_url)
        .and_then(|b| b.build())
        .expect("client without credentials");
    c.expected_violations.push(format!(
        "GET /api/pipelines/{PIPELINE}: request Invalid security scheme used"
    ));
    match anonymous.pipelines().get(PIPELINE).send().await {
        Err(Error::Api(api)) if api.status() == 401 => {
            c.expect(
                "getPipeline",
                matches!(api.typed(), Some(GetPipelineError::Unauthorized(_))),
                || {
                    format!(
                        "without credentials: typed error {:?}, expected Unauthorized",
                        api.typed()
                    )
                },
            );
        }
        other => c.failures.push(format!(
            "getPipeline without credentials: expected Error::Api(401), got {other:?}"
        )),
    }
    c.record(
        "login",
        anonymous
            .auth()
            .login(models::LoginRequest::new(
                "ada@acme.example".into(),
                "correct horse battery staple".into(),
            ))
            .send()
            .await,
    );
}
