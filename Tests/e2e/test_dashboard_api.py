"""The dashboard's JSON API (docs/dashboard-api.md) against the SQLite database it reads: every endpoint, bad
parameters (a 400 that names the parameter), unknown ids and routes (404), the shipped page, and the admin token."""
from __future__ import annotations

import json
import re
import subprocess

import httpx
import pytest

import harness
from dashboard_env import ADMIN_TOKEN, SEARCH_WORD, dashboard_config, db_ids, db_totals

FLAGS = ("converted", "stream", "tokens_estimated")
SUMMARY = ["id", "started_at_ms", "client_dialect", "provider", "upstream_dialect", "requested_model",
           "upstream_model", "converted", "stream", "outcome", "status", "upstream_status", "error_message",
           "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens",
           "tokens_estimated", "cost_total", "cache_savings", "ttft_ms", "tpot_ms", "total_ms"]


@pytest.fixture(scope="module")
def api(recorded_dashboard):
    with httpx.Client(base_url=recorded_dashboard.gateway.admin_url, timeout=10, trust_env=False) as client:
        yield client


def assert_error(response: httpx.Response, status: int, *words: str) -> str:
    """The API's error shape, with `words` in the message; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    for word in words:
        assert word in error["message"], f"{word!r} not in {error['message']!r}"
    return error["message"]


def approx_equal(shown: dict, expected: dict) -> None:
    """Equal, numbers within float rounding (sums are added in another order)."""
    assert shown.keys() >= expected.keys()
    for key, value in expected.items():
        if isinstance(value, dict):
            approx_equal(shown[key], value)
        elif isinstance(value, float):
            assert shown[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert shown[key] == value, key


# ---- info and the list ---------------------------------------------------------------------------------------------


def test_info_names_the_configuration(api):
    info = api.get("/api/info").json()

    assert re.fullmatch(r"\d+\.\d+\.\d+.*", info["version"])
    assert sorted(info["providers"]) == ["an", "echo", "oa"]
    assert sorted(info["models"]) == ["conv-sonnet", "echo"]  # exact route names (globs are not models)
    assert info["sinks"] == ["sqlite"] and info["query_sink"] == "sqlite"


def test_list_holds_every_exchange_newest_first_with_the_stored_columns(recorded_dashboard, api):
    answer = api.get("/api/exchanges", params={"limit": 1000}).json()

    assert answer["total"] == recorded_dashboard.stored_count() == len(answer["items"])
    assert (answer["limit"], answer["offset"]) == (1000, 0)
    assert [item["id"] for item in answer["items"]] == db_ids(recorded_dashboard)
    for item in answer["items"]:
        row = recorded_dashboard.row(item["id"])
        assert list(item) == SUMMARY
        for column in SUMMARY:
            expected = row[column]
            if column in FLAGS and expected is not None:
                expected = bool(expected)
            assert item[column] == expected, f"{item['id']} {column}"


def test_list_pages(recorded_dashboard, api):
    ids = db_ids(recorded_dashboard)

    first = api.get("/api/exchanges", params={"limit": 3}).json()
    second = api.get("/api/exchanges", params={"limit": 3, "offset": 3}).json()
    past_the_end = api.get("/api/exchanges", params={"offset": len(ids)}).json()

    assert [item["id"] for item in first["items"]] == ids[:3]
    assert [item["id"] for item in second["items"]] == ids[3:6]
    assert first["total"] == second["total"] == past_the_end["total"] == len(ids)
    assert past_the_end["items"] == []
    assert api.get("/api/exchanges").json()["limit"] == 50  # the default page


@pytest.mark.parametrize("params, where, values", [
    ({"model": "gpt-4o"}, "requested_model = ? OR upstream_model = ?", ("gpt-4o", "gpt-4o")),
    ({"model": "claude-sonnet-4-5"}, "requested_model = ? OR upstream_model = ?",
     ("claude-sonnet-4-5", "claude-sonnet-4-5")),
    ({"provider": "an"}, "provider = ?", ("an",)),
    ({"client_dialect": "anthropic.messages"}, "client_dialect = ?", ("anthropic.messages",)),
    ({"upstream_dialect": "anthropic.messages"}, "upstream_dialect = ?", ("anthropic.messages",)),
    ({"outcome": "upstream_error,rejected"}, "outcome IN ('upstream_error', 'rejected')", ()),
    ({"outcome": "ok"}, "outcome = 'ok'", ()),
    ({"stream": "true"}, "stream = 1", ()),
    ({"stream": "false"}, "stream = 0", ()),
    ({"status": "500"}, "status = 500", ()),
    ({"stream": "false", "provider": "oa"}, "stream = 0 AND provider = 'oa'", ()),
], ids=lambda value: json.dumps(value) if isinstance(value, dict) else None)
def test_list_filters_match_the_database(recorded_dashboard, api, params, where, values):
    answer = api.get("/api/exchanges", params={**params, "limit": 1000}).json()

    expected = db_ids(recorded_dashboard, where, values)
    assert expected, "the filter should match something"
    assert [item["id"] for item in answer["items"]] == expected
    assert answer["total"] == len(expected)


def test_search_finds_text_in_the_bodies(recorded_dashboard, api):
    found = api.get("/api/exchanges", params={"search": SEARCH_WORD}).json()
    upper = api.get("/api/exchanges", params={"search": SEARCH_WORD.upper()}).json()
    nothing = api.get("/api/exchanges", params={"search": "no such text anywhere 9c1e"}).json()
    in_response = api.get("/api/exchanges", params={"search": "Converted hello"}).json()

    assert [item["id"] for item in found["items"]] == [recorded_dashboard.ids["openai"]]
    assert upper["items"] == found["items"]  # ASCII letters ignore case
    assert nothing == {"total": 0, "limit": 50, "offset": 0, "items": []}
    if "converted" in recorded_dashboard.ids:
        assert [item["id"] for item in in_response["items"]] == [recorded_dashboard.ids["converted"]]


def test_time_range_filter(recorded_dashboard, api):
    with recorded_dashboard.db() as connection:
        times = sorted(row["started_at_ms"] for row in connection.execute("SELECT started_at_ms FROM exchanges"))
    middle = times[len(times) // 2]

    newer = api.get("/api/exchanges", params={"from_ms": middle, "limit": 1000}).json()
    older = api.get("/api/exchanges", params={"to_ms": middle, "limit": 1000}).json()

    assert [item["id"] for item in newer["items"]] == db_ids(recorded_dashboard, "started_at_ms >= ?", (middle,))
    assert [item["id"] for item in older["items"]] == db_ids(recorded_dashboard, "started_at_ms < ?", (middle,))
    assert newer["total"] + older["total"] == len(times)


# ---- one record ----------------------------------------------------------------------------------------------


def test_every_record_is_returned_exactly_as_stored(recorded_dashboard, api):
    for label, exchange_id in recorded_dashboard.ids.items():
        answer = api.get(f"/api/exchanges/{exchange_id}")
        assert answer.status_code == 200, label
        assert answer.json() == {"record": recorded_dashboard.record(exchange_id)}, label


def test_recorded_exchanges_cover_what_the_dashboard_shows(recorded_dashboard):
    """The data set itself: stream and not, converted and not, priced, cached, a failure and a rejection."""
    record = {label: recorded_dashboard.record(exchange_id) for label, exchange_id in recorded_dashboard.ids.items()}
    assert record["openai_stream"]["stream"] and not record["openai"]["stream"]
    assert record["openai"]["usage"]["cache_read"] == 1024 and record["openai"]["cost"]["cache_savings"] > 0
    assert record["upstream_error"]["outcome"] == "upstream_error" and record["upstream_error"]["http"]["status"] == 500
    assert record["unknown_model"]["outcome"] == "rejected" and record["unknown_model"]["http"]["status"] == 404
    assert record["echo"]["route"]["provider"] == "echo" and record["echo"]["http"]["upstream"] is None
    assert len(record["openai_stream"]["timing"]["token_times_ms"]) == 9
    assert record["openai_stream"]["raw_events"], "recording.raw_events is on"
    if "converted" not in recorded_dashboard.skipped:
        assert record["converted"]["route"]["converted"] and record["converted"]["upstream_request"] is not None


def test_unknown_id_is_404(api):
    assert_error(api.get("/api/exchanges/01NOSUCHEXCHANGE0000000000"), 404, "01NOSUCHEXCHANGE0000000000")


# ---- statistics ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", ["time", "model", "requested_model", "provider"])
def test_stats_totals_equal_the_database(recorded_dashboard, api, group_by):
    answer = api.get("/api/stats", params={"group_by": group_by}).json()

    assert answer["group_by"] == group_by
    approx_equal(answer["totals"], db_totals(recorded_dashboard))
    assert sum(group["count"] for group in answer["groups"]) == answer["totals"]["count"]


def test_stats_by_provider_and_model_equal_the_database(recorded_dashboard, api):
    by_provider = api.get("/api/stats", params={"group_by": "provider"}).json()["groups"]
    by_model = api.get("/api/stats", params={"group_by": "model"}).json()["groups"]

    for group in by_provider:
        where, values = ("provider = ?", (group["key"],)) if group["key"] is not None else ("provider IS NULL", ())
        approx_equal(group, db_totals(recorded_dashboard, where, values))
    for group in by_model:
        if group["key"] is None:
            where, values = "upstream_model IS NULL AND requested_model IS NULL", ()
        else:
            where, values = "coalesce(upstream_model, requested_model) = ?", (group["key"],)
        approx_equal(group, db_totals(recorded_dashboard, where, values))
    counts = [group["count"] for group in by_provider]
    assert counts == sorted(counts, reverse=True)  # by count, descending


def test_stats_time_buckets(recorded_dashboard, api):
    answer = api.get("/api/stats", params={"group_by": "time", "bucket_ms": 1000}).json()

    assert answer["bucket_ms"] == 1000
    keys = [group["key"] for group in answer["groups"]]
    assert keys == sorted(keys) and all(key % 1000 == 0 for key in keys)
    for group in answer["groups"]:
        approx_equal(group, db_totals(recorded_dashboard, "started_at_ms >= ? AND started_at_ms < ?",
                                      (group["key"], group["key"] + 1000)))


def test_stats_with_filters_and_range(recorded_dashboard, api):
    newest = db_ids(recorded_dashboard)[0]
    start = recorded_dashboard.row(newest)["started_at_ms"]

    filtered = api.get("/api/stats", params={"provider": "oa", "stream": "false"}).json()
    ranged = api.get("/api/stats", params={"from_ms": start, "to_ms": start + 1}).json()

    approx_equal(filtered["totals"], db_totals(recorded_dashboard, "provider = 'oa' AND stream = 0"))
    approx_equal(ranged["totals"], db_totals(recorded_dashboard, "started_at_ms = ?", (start,)))
    assert (ranged["from_ms"], ranged["to_ms"]) == (start, start + 1)


# ---- SQL -----------------------------------------------------------------------------------------------------------


def test_sql_select_answers_from_the_database(recorded_dashboard, api):
    sql = "SELECT provider, count(*) AS n, sum(cost_total) AS cost FROM exchanges GROUP BY provider ORDER BY provider"
    answer = api.post("/api/sql", json={"sql": sql}).json()

    with recorded_dashboard.db() as connection:
        expected = [list(row) for row in connection.execute(sql)]
    assert answer["columns"] == ["provider", "n", "cost"]
    assert answer["rows"] == expected
    assert answer["row_count"] == len(expected) and answer["truncated"] is False and answer["truncated_by"] is None
    assert answer["elapsed_ms"] >= 0


def test_sql_row_limit(recorded_dashboard, api):
    answer = api.post("/api/sql", json={"sql": "SELECT id FROM exchanges ORDER BY id", "max_rows": 2}).json()

    assert answer["rows"] == [[exchange_id] for exchange_id in sorted(db_ids(recorded_dashboard))[:2]]
    assert answer["row_count"] == 2 and answer["truncated"] is True and answer["truncated_by"] == "max_rows"


@pytest.mark.parametrize("sql", ["SELECT zeroblob(999999999) FROM exchange_rows", "SELECT randomblob(500000000)"])
def test_sql_refuses_values_over_16_mib(api, sql):
    message = assert_error(api.post("/api/sql", json={"sql": sql}), 400)

    assert message == "SQL error: string or blob too big (the SQL console allows 16 MiB per string or blob)"


def test_sql_result_stops_at_32_mib(api):
    ten_mib = 10 << 20
    sql = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) "
           f"SELECT x, printf('%.*c', {ten_mib}, 'a') FROM n")
    answer = api.post("/api/sql", json={"sql": sql}, timeout=60).json()

    # Three rows of 10 MiB fit in 32 MiB, the fourth does not: the rows shown are whole, and the answer says why.
    assert [row[0] for row in answer["rows"]] == [1, 2, 3]
    assert all(row[1] == "a" * ten_mib for row in answer["rows"])
    assert answer["row_count"] == 3 and answer["truncated"] is True and answer["truncated_by"] == "bytes"


def test_sql_time_limit(api):
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    response = api.post("/api/sql", json={"sql": endless, "timeout_ms": 50})

    assert response.status_code >= 400
    assert "timeout_ms" in response.json()["error"]["message"]


@pytest.mark.parametrize("sql, words", [
    ("DELETE FROM exchanges", ["read-only"]),
    ("UPDATE exchanges SET cost_total = 0", ["read-only"]),
    ("INSERT INTO exchanges (id, started_at_ms, record_json) VALUES ('x', 1, '{}')", ["read-only"]),
    ("DROP TABLE exchanges", ["read-only"]),
    ("CREATE TABLE t (x)", ["read-only"]),
    ("ATTACH DATABASE '/tmp/other.db' AS other", ["read-only"]),
    ("PRAGMA user_version = 7", ["read-only"]),
    ("SELECT 1; DELETE FROM exchanges", ["one statement"]),
])
def test_sql_refuses_writes_with_a_clear_message(recorded_dashboard, api, sql, words):
    before = recorded_dashboard.stored_count()

    assert_error(api.post("/api/sql", json={"sql": sql}), 400, *words)
    assert recorded_dashboard.stored_count() == before


# ---- requests web pages can make (no admin token) -----------------------------------------------------------------


def test_dns_rebinding_host_is_refused(recorded_dashboard, api):
    """A page on attacker.example, re-pointed at 127.0.0.1, sends its own name in Host: it reads nothing."""
    port = recorded_dashboard.gateway.admin_port
    for path in ["/api/exchanges", f"/api/exchanges/{recorded_dashboard.ids['openai']}", "/api/info", "/"]:
        response = api.get(path, headers={"host": f"attacker.example:{port}"})
        message = assert_error(response, 403)
        assert message == (f"Refused: the Host header 'attacker.example:{port}' does not name this admin listener. "
                           "Without listen.admin_token it answers only requests for localhost, 127.0.0.1, [::1] "
                           "(any port), so a web page on another domain that resolves to this machine cannot read it.")
        assert set(response.json()) == {"error"}, path
    refused_sql = api.post("/api/sql", json={"sql": "SELECT 1"}, headers={"host": "attacker.example"})
    assert_error(refused_sql, 403, "'attacker.example'")


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_loopback_hosts_read_the_data(recorded_dashboard, api, host):
    host = host.format(port=recorded_dashboard.gateway.admin_port)

    listed = api.get("/api/exchanges", params={"limit": 1000}, headers={"host": host})
    counted = api.post("/api/sql", json={"sql": "SELECT count(*) FROM exchanges"},
                       headers={"host": host, "origin": f"http://{host}"})

    assert listed.status_code == 200 and [item["id"] for item in listed.json()["items"]] == db_ids(recorded_dashboard)
    assert counted.status_code == 200 and counted.json()["rows"] == [[recorded_dashboard.stored_count()]]


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost:3000", "https://127.0.0.1:{port}"])
def test_cross_site_requests_are_refused(recorded_dashboard, api, origin):
    """Browsers send Origin on every cross-site request (and on every POST): anything but the listener's own fails."""
    port = recorded_dashboard.gateway.admin_port
    origin = origin.format(port=port)
    expected = (f"Refused: the request comes from the web page at '{origin}', not from this dashboard "
                f"(http://127.0.0.1:{port}). Without listen.admin_token the admin listener answers only its own pages.")
    # The simple cross-site form a page can send without asking first, and the JSON one.
    as_text = api.post("/api/sql", content=b'{"sql":"SELECT count(*) FROM exchanges"}',
                       headers={"origin": origin, "content-type": "text/plain"})
    as_json = api.post("/api/sql", json={"sql": "SELECT count(*) FROM exchanges"}, headers={"origin": origin})
    read = api.get("/api/exchanges", headers={"origin": origin})

    for response in (as_text, as_json, read):
        assert assert_error(response, 403) == expected
        assert set(response.json()) == {"error"}


def test_the_dashboards_own_post_is_answered(recorded_dashboard, api):
    """What the page's fetch() sends: its own origin, and JSON (a charset parameter is fine)."""
    port = recorded_dashboard.gateway.admin_port
    response = api.post("/api/sql", content=b'{"sql":"SELECT id FROM exchanges ORDER BY id"}', headers={
        "origin": f"http://127.0.0.1:{port}", "content-type": "Application/JSON; charset=utf-8"})

    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [[exchange_id] for exchange_id in sorted(db_ids(recorded_dashboard))]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonp", None])
def test_sql_needs_a_json_content_type(api, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = api.post("/api/sql", content=b'{"sql":"SELECT 1"}', headers=headers)

    sent = f"'{content_type}'" if content_type else "none"
    assert assert_error(response, 415) == ("POST /api/sql takes a JSON body: send 'Content-Type: application/json' "
                                           f"(this request sent {sent}).")


# ---- bad requests ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, params, name", [
    ("/api/exchanges", {"limit": "0"}, "'limit'"),
    ("/api/exchanges", {"limit": "1001"}, "'limit'"),
    ("/api/exchanges", {"limit": "ten"}, "'limit'"),
    ("/api/exchanges", {"offset": "-1"}, "'offset'"),
    ("/api/exchanges", {"stream": "maybe"}, "'stream'"),
    ("/api/exchanges", {"status": "42"}, "'status'"),
    ("/api/exchanges", {"from_ms": "yesterday"}, "'from_ms'"),
    ("/api/exchanges", {"to_ms": "1.5"}, "'to_ms'"),
    ("/api/exchanges", {"colour": "blue"}, "'colour'"),
    ("/api/stats", {"group_by": "day"}, "'group_by'"),
    ("/api/stats", {"bucket_ms": "10"}, "'bucket_ms'"),
    ("/api/stats", {"limit": "5"}, "'limit'"),
])
def test_bad_parameters_are_400_naming_the_parameter(api, path, params, name):
    assert_error(api.get(path, params=params), 400, name)


@pytest.mark.parametrize("body, words", [
    (b"not json", ["JSON object"]),
    (b"[1, 2]", ["JSON object"]),
    (b'{"query": "SELECT 1"}', ["'sql'"]),
    (b'{"sql": 5}', ["'sql'"]),
    (b'{"sql": "SELECT 1", "rows": 5}', ["'rows'"]),
    (b'{"sql": "SELECT 1", "max_rows": 0}', ["max_rows"]),
    (b'{"sql": "SELECT 1", "timeout_ms": "soon"}', ["timeout_ms"]),
    (b'{"sql": "SELEKT 1"}', ["SQL error"]),
    (b'{"sql": "   "}', ["sql"]),
])
def test_bad_sql_requests_are_400(api, body, words):
    assert_error(api.post("/api/sql", content=body, headers={"content-type": "application/json"}), 400, *words)


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/nothing"), ("GET", "/api"), ("GET", "/nothing"), ("POST", "/api/exchanges"),
    ("GET", "/api/sql"), ("DELETE", "/api/exchanges/x"), ("GET", "/assets/no-such-file.js"),
])
def test_unknown_routes_are_404(api, method, path):
    assert_error(api.request(method, path), 404)


# ---- the page ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/requests", "/sql", "/requests/01ANYID0000000000000000000"])
def test_page_routes_serve_the_dashboard(api, path):
    response = api.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/assets/app.js">' in response.text


def test_assets_are_complete_and_offline(api):
    """Every file the page loads is served, and nothing points outside the gateway."""
    seen, queue = set(), ["app.js", "app.css"]
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        response = api.get(f"/assets/{name}")
        assert response.status_code == 200, name
        expected = {"js": "text/javascript", "css": "text/css"}[name.rsplit(".", 1)[1]]
        assert response.headers["content-type"].startswith(expected), name
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", response.text), f"{name} reaches the network"
        queue += re.findall(r'from "\./([\w.-]+)"', response.text)
    assert {"app.js", "charts.js", "json-view.js", "requests.js", "detail.js", "sql.js", "overview.js"} <= seen


# ---- the admin token ---------------------------------------------------------------------------------------------


@pytest.fixture
def token_client(token_dashboard):
    with httpx.Client(base_url=token_dashboard.admin_url, timeout=10, trust_env=False) as client:
        yield client


@pytest.mark.parametrize("path", ["/api/info", "/api/exchanges", "/api/stats", "/api/exchanges/01ANY"])
def test_token_required(token_client, path):
    assert_error(token_client.get(path), 401, "token")


@pytest.mark.parametrize("path", ["/", "/assets/app.js"])
def test_page_files_load_without_the_token_and_forbid_framing(token_client, path):
    # The page's own files hold no data; they load so the page can ask for the token. Data stays behind it.
    response = token_client.get(path)
    assert response.status_code == 200 and len(response.content) > 100
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("how", ["bearer", "cookie", "query"])
def test_wrong_token_is_401(token_client, how):
    wrong = ADMIN_TOKEN + "x"
    if how == "bearer":
        response = token_client.get("/api/info", headers={"authorization": f"Bearer {wrong}"})
    elif how == "cookie":
        response = token_client.get("/api/info", headers={"cookie": f"lessllm_admin={wrong}"})
    else:
        response = token_client.get("/api/info", params={"token": wrong})
    assert_error(response, 401, "token")
    assert "set-cookie" not in response.headers


def test_bearer_token_and_cookie_are_accepted(token_client):
    by_header = token_client.get("/api/info", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
    by_cookie = token_client.get("/api/exchanges", headers={"cookie": f"other=1; lessllm_admin={ADMIN_TOKEN}"})

    assert by_header.status_code == 200 and by_header.json()["query_sink"] == "sqlite"
    assert by_cookie.status_code == 200 and by_cookie.json()["total"] == 0


def test_query_token_sets_the_cookie(token_dashboard):
    with httpx.Client(base_url=token_dashboard.admin_url, timeout=10, trust_env=False) as browser_like:
        opened = browser_like.get("/", params={"token": ADMIN_TOKEN})
        cookie = opened.headers["set-cookie"]
        later = browser_like.get("/api/info")  # the client sends the cookie back by itself

    assert opened.status_code == 200 and opened.headers["content-type"].startswith("text/html")
    assert cookie.startswith(f"lessllm_admin={ADMIN_TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert later.status_code == 200


def test_public_admin_bind_without_token_refuses_to_start(tmp_path, oa_server, an_server, echo_plugins):
    config = dashboard_config(oa_server, an_server, echo_plugins, tmp_path / "lessllm.db", admin="0.0.0.0:0")
    config_path = tmp_path / "public.yaml"
    config_path.write_text(json.dumps(config))

    result = subprocess.run([str(harness.binary_path()), "server", "--config", str(config_path)],
                            capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)

    assert result.returncode != 0
    message = result.stderr + result.stdout
    assert "admin_token" in message and "reachable from other machines" in message, message
    assert "LessLLM proxy listening" not in result.stdout


def test_with_a_token_the_token_decides(token_client):
    """With a token, a cross-site page cannot send it (the cookie is SameSite=Strict): Host and Origin are not
    checked, so a reverse proxy may rename the listener."""
    foreign = {"host": "dashboard.example", "origin": "https://dashboard.example"}

    assert_error(token_client.get("/api/info", headers=foreign), 401, "token")
    allowed = token_client.get("/api/info", headers={**foreign, "authorization": f"Bearer {ADMIN_TOKEN}"})
    assert allowed.status_code == 200 and allowed.json()["query_sink"] == "sqlite"


def test_public_admin_bind_with_token_starts_and_requires_it(tmp_path_factory, oa_server, an_server, echo_plugins):
    db_path = tmp_path_factory.mktemp("public-db") / "lessllm.db"
    config = dashboard_config(oa_server, an_server, echo_plugins, db_path, admin="0.0.0.0:0", token=ADMIN_TOKEN)
    for gateway in harness.run_gateway(config, tmp_path_factory, "public-gateway"):
        assert "LessLLM dashboard on http://0.0.0.0:" in gateway.stdout_path.read_text()
        with httpx.Client(base_url=gateway.admin_url, timeout=10, trust_env=False) as client:
            assert client.get("/api/info").status_code == 401
            assert client.get("/api/info", headers={"authorization": f"Bearer {ADMIN_TOKEN}"}).status_code == 200
