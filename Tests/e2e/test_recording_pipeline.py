"""The log pipeline under load and at shutdown: 10,000 exchanges give 10,000 rows with unique time-ordered ids, a
SIGTERM in the middle of a load run loses no completed exchange, a sink that blocks for seconds does not slow the
relay (and still gets every record), and a sink that fails gets every record once it recovers — none twice."""
from __future__ import annotations

import json
import re
import statistics
import threading
import time

import httpx
import pytest

import harness
import recording_support as rs
from mocks.upstream import Pause, Stream
from mocks.wire import OPENAI_SSE_HEADERS, openai_stream_events
from recording_support import test_sink_lib  # noqa: F401  (a fixture)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def id_millis(exchange_id: str) -> int:
    """The Unix milliseconds in an exchange id (its top 48 of 128 bits, Crockford base32)."""
    value = 0
    for char in exchange_id:
        value = value * 32 + CROCKFORD.index(char)
    return value >> 80


def echo_request(index: int):
    return "/v1/chat/completions", rs.openai_body("echo", f"load request number {index}"), {}


# ---- 8. load -------------------------------------------------------------------------------------------------------

LOAD_REQUESTS = 10_000
LOAD_CONCURRENCY = 64


@pytest.mark.timeout(300)
def test_ten_thousand_requests_at_concurrency_64_give_exactly_ten_thousand_rows(lessllm_bin, oa, an, echo_plugins,
                                                                                tmp_path):
    db_path = tmp_path / "log.db"
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path)
    responses: dict[int, tuple[float, str]] = {}
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def on_response(index, status, headers, body, sent_at):
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            responses[index] = (sent_at, headers.get("x-lessllm-exchange-id"))

    with rs.RecordingGateway(config, tmp_path) as gateway:
        result = rs.run_load(gateway.port, LOAD_REQUESTS, LOAD_CONCURRENCY, echo_request, on_response=on_response)
        store = rs.Store(db_path)
        drain_started = time.monotonic()
        store.wait_count(LOAD_REQUESTS, timeout=60)
        drained = time.monotonic() - drain_started
    harness.report(f"load: {LOAD_REQUESTS} requests at concurrency {LOAD_CONCURRENCY} in {result['seconds']:.1f} s "
                   f"({LOAD_REQUESTS / result['seconds']:.0f} req/s); all stored {drained:.2f} s after the last "
                   f"response; shutdown {gateway.stop_seconds:.2f} s")

    assert result["failed"] == 0 and statuses == {200: LOAD_REQUESTS}, (result, statuses)
    header_ids = [exchange_id for _, exchange_id in responses.values()]
    assert None not in header_ids
    assert len(set(header_ids)) == LOAD_REQUESTS, f"{len(rs.duplicates(header_ids))} ids handed out twice"
    rows = store.query("SELECT id, started_at_ms, outcome, requested_model, request_json FROM exchanges ORDER BY id")
    assert len(rows) == LOAD_REQUESTS, f"{len(rows)} rows for {LOAD_REQUESTS} exchanges"
    assert {row["id"] for row in rows} == set(header_ids)
    assert all(row["outcome"] == "ok" and row["requested_model"] == "echo" for row in rows)
    # Each row is its own request (not one request's record written many times).
    texts = {json.loads(row["request_json"])["messages"][0]["content"] for row in rows}
    assert len(texts) == LOAD_REQUESTS
    # Time-ordered ids: an id carries its creation millisecond, and sorting by id sorts by start time (the id and
    # the wall clock are read one after the other, so a thread preempted in between sees them a few ms apart).
    skew = [id_millis(row["id"]) - row["started_at_ms"] for row in rows]
    assert all(abs(s) <= 50 for s in skew), (min(skew), max(skew))
    starts = [row["started_at_ms"] for row in rows]
    assert all(b >= a - 50 for a, b in zip(starts, starts[1:])), "sorting by id does not sort by time"
    # … and roughly in the order the client sent the requests (64 were in flight at any moment).
    by_sent = [exchange_id for _, exchange_id in sorted(responses.values())]
    rank = {exchange_id: position for position, exchange_id in enumerate(row["id"] for row in rows)}
    displacement = [abs(rank[exchange_id] - position) for position, exchange_id in enumerate(by_sent)]
    harness.report(f"load: id order vs send order: median displacement {statistics.median(displacement):.0f}, "
                   f"max {max(displacement)} positions; id time − started_at_ms from {min(skew)} to {max(skew)} ms")
    assert statistics.median(displacement) <= LOAD_CONCURRENCY
    assert max(displacement) <= 20 * LOAD_CONCURRENCY


# ---- 9. SIGTERM during a load run ----------------------------------------------------------------------------------


def stream_worker(url: str, stop: threading.Event, seen: dict, lock: threading.Lock):
    """Paced streams one after the other on one keep-alive connection until the gateway goes away (or `stop`); notes
    each exchange id the client saw: ("complete" (the stream reached data: [DONE]) or "incomplete", sent, ended)."""
    body = rs.openai_body("gpt-4o", "stream please", stream=True, include_usage=True)
    with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
        while not stop.is_set():
            exchange_id, received, status = None, b"", 0
            sent = time.monotonic()
            try:
                with client.stream("POST", "/v1/chat/completions", content=body,
                                   headers={"content-type": "application/json"}) as response:
                    exchange_id, status = response.headers.get("x-lessllm-exchange-id"), response.status_code
                    for chunk in response.iter_raw():
                        received += chunk
            except (httpx.HTTPError, OSError):
                pass
            complete = status == 200 and received.endswith(b"data: [DONE]\n\n")
            with lock:
                if exchange_id is not None:
                    seen[exchange_id] = ("complete" if complete else "incomplete", sent, time.monotonic())
            if not complete:
                return


def paced_mock_stream(tokens: int = 10, gap: float = 0.05) -> Stream:
    """About tokens × gap seconds of OpenAI stream from the mock."""
    pieces = [f"w{n} " for n in range(tokens)]
    return Stream(200, OPENAI_SSE_HEADERS,
                  [part for event in openai_stream_events(pieces) for part in (event, Pause(gap))])


@pytest.mark.timeout(120)
def test_sigterm_in_the_middle_of_a_load_run_loses_no_completed_exchange(lessllm_bin, oa, an, echo_plugins, tmp_path,
                                                                        test_sink_lib):
    """16 clients send non-streamed requests (C echo provider) and 8 clients paced streams (mock, 0.7 s each) on
    keep-alive connections, without pause; SIGTERM after 1.5 s; the clients go on until the gateway is gone."""
    grace = 2.0
    db_path = tmp_path / "log.db"
    sink_path = tmp_path / "sink.jsonl"
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path, sink_lib=test_sink_lib,
                                 sink_options={"path": str(sink_path)}, grace=f"{grace:g}s")
    stream = paced_mock_stream()
    oa.responder = lambda request: stream
    completed: list[str] = []
    streams: dict[str, tuple] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def on_response(index, status, headers, body, sent_at):
        if status == 200 and headers.get("x-lessllm-exchange-id"):
            with lock:
                completed.append(headers["x-lessllm-exchange-id"])

    with rs.RecordingGateway(config, tmp_path) as gateway:
        streamers = [threading.Thread(target=stream_worker, args=(gateway.url, stop, streams, lock),
                                      name=f"streamer-{n}") for n in range(8)]
        for thread in streamers:
            thread.start()
        load_result = {}
        loader = threading.Thread(target=lambda: load_result.update(
            rs.run_load(gateway.port, 10**9, 16, echo_request, stop=stop, on_response=on_response)), name="loader")
        loader.start()
        time.sleep(1.5)
        with lock:
            before = len(completed) + sum(1 for state, _, _ in streams.values() if state == "complete")
        signalled = gateway.sigterm()
        try:
            code = gateway.wait_exit(60)
        finally:
            stop.set()
            loader.join(30)
            for thread in streamers:
                thread.join(30)
        exited = gateway.stop_seconds
    completed_streams = [i for i, (state, _, _) in streams.items() if state == "complete"]
    cut_streams = [i for i, (state, _, _) in streams.items() if state == "incomplete"]
    in_flight_at_signal = [i for i, (state, sent, ended) in streams.items()
                           if state == "complete" and sent < signalled < ended]
    store = rs.Store(db_path)
    stored = store.ids()
    cut_stored = [i for i in cut_streams if i in set(stored)]
    harness.report(f"sigterm: {before} exchanges completed before the signal, "
                   f"{len(completed) + len(completed_streams)} in all ({len(completed_streams)} streams); exit {code} "
                   f"{exited:.2f} s after SIGTERM (grace {grace:g} s); {len(cut_streams)} streams cut off "
                   f"({len(cut_stored)} of them recorded); {len(stored)} rows")
    assert code == 0, gateway.gateway.stderr_text()[-3000:]
    # The grace period, then the drain of every record made meanwhile (see the xfail test below for why the whole
    # grace period passes under keep-alive load).
    assert exited < grace + 20, f"the gateway took {exited:.1f} s to exit"
    assert before > 100
    assert in_flight_at_signal, "no stream was in flight at the signal: the grace period was not exercised"

    everything = completed + completed_streams
    assert not rs.duplicates(everything), "the gateway handed out an id twice"
    missing = set(everything) - set(stored)
    assert not missing, f"{len(missing)} completed exchanges are not in the database, e.g. {sorted(missing)[:5]}"
    assert not rs.duplicates(stored)
    sink_ids = rs.SinkLog(sink_path).ids()
    assert not rs.duplicates(sink_ids), f"{len(rs.duplicates(sink_ids))} records were handed to the sink twice"
    assert set(sink_ids) == set(stored), "both sinks got the same records"
    rows = {row["id"]: row for row in store.query("SELECT id, outcome, output_tokens FROM exchanges")}
    assert all(rows[i]["outcome"] == "ok" for i in everything)
    assert all(rows[i]["output_tokens"] == 10 for i in completed_streams)


@pytest.mark.timeout(60)
def test_after_sigterm_kept_alive_connections_start_no_new_exchange(lessllm_bin, oa, an, echo_plugins, tmp_path):
    """Two clients stream (0.7 s each) back to back on their keep-alive connections, half a stream apart. After
    SIGTERM the streams in flight should finish and no new one start, so the gateway exits within about 0.7 s — well
    inside its 5 s grace — having cut off nothing."""
    config = rs.recording_config(oa, an, echo_plugins, db_path=tmp_path / "log.db", grace="5s")
    stream = paced_mock_stream()
    oa.responder = lambda request: stream
    streams: dict[str, tuple] = {}
    lock = threading.Lock()
    stop = threading.Event()
    with rs.RecordingGateway(config, tmp_path) as gateway:
        clients = [threading.Thread(target=stream_worker, args=(gateway.url, stop, streams, lock),
                                    name=f"keep-alive-streamer-{n}") for n in range(2)]
        clients[0].start()
        time.sleep(0.35)
        clients[1].start()
        time.sleep(1.0)
        gateway.sigterm()
        try:
            gateway.wait_exit(30)
        finally:
            stop.set()
            for client in clients:
                client.join(30)
        exited = gateway.stop_seconds
    states = [state for state, _, _ in streams.values()]
    harness.report(f"sigterm with two keep-alive streaming clients: exit {exited:.2f} s after the signal "
                   f"(grace 5 s); streams {states}")
    assert "incomplete" not in states, "a stream was cut off"
    assert exited < 3, f"the gateway waited {exited:.1f} s for exchanges that started after the signal"


def test_a_stream_still_running_when_the_grace_period_ends_tells_its_client_why_it_ends(
        lessllm_bin, oa, an, echo_plugins, tmp_path):
    """An upstream that goes on past the grace period: its client gets an error event in its own dialect saying the
    gateway is shutting down — not a connection that just closes — and the record says the stream was cut."""
    db_path = tmp_path / "log.db"
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path, grace="0.5s")
    events = openai_stream_events(["still ", "going"])
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:2], end="hang"))
    with rs.RecordingGateway(config, tmp_path) as gateway, gateway.client() as client:
        with client.stream("POST", "/v1/chat/completions", content=rs.openai_body("gpt-4o", stream=True),
                           headers={"content-type": "application/json"}) as response:
            exchange_id = response.headers["x-lessllm-exchange-id"]
            chunks = response.iter_raw()
            received = next(chunks)
            while b"still" not in received:
                received += next(chunks)
            gateway.sigterm()
            received += b"".join(chunks)  # until the gateway closes the connection
        assert gateway.wait_exit(30) == 0
    tail = harness.split_events(received[len(b"".join(events[:2])):])
    assert len(tail) == 1, received
    error = json.loads(harness.event_data(tail[0]))["error"]
    assert error["message"] == "The upstream request was cancelled: the gateway is shutting down."
    assert (error["type"], error["code"]) == ("overloaded_error", "overloaded_error"), error
    row = rs.Store(db_path).row(exchange_id)
    assert (row["outcome"], row["status"]) == ("truncated", 200)


# ---- 10. a slow sink does not slow the relay -----------------------------------------------------------------------

SLOW_STREAMS = 24
SLOW_CONCURRENCY = 4


def ttft_run(oa, echo_plugins, workdir, sink_lib, delay_ms: int) -> dict:
    """A batch of paced streams through a gateway whose test sink blocks `delay_ms` per batch; client-side TTFTs,
    and what the sink had received before and after shutdown."""
    workdir.mkdir()
    sink_path = workdir / "sink.jsonl"
    journal = rs.Journal(workdir / "records.journal")
    config = rs.recording_config(oa, oa, echo_plugins, sink_lib=sink_lib,
                                 sink_options={"path": str(sink_path), "delay_ms": delay_ms},
                                 recording={"queue_capacity": 2, "journal": str(journal.path)}, grace="10s")
    oa.reset()
    oa.responder = lambda request: rs.paced_openai(["a", "b", "c", "d", "e"], first_after=0.1, gap=0.02)
    results: list[rs.TimedStream] = []
    lock = threading.Lock()
    journal_seen = threading.Event()

    def client_loop(count: int):
        with httpx.Client(base_url=gateway.url, timeout=30, trust_env=False) as client:
            for _ in range(count):
                timed = rs.timed_stream(gateway.url, "/v1/chat/completions",
                                        rs.openai_body("gpt-4o", stream=True, include_usage=True), client=client)
                if journal.files():
                    journal_seen.set()
                with lock:
                    results.append(timed)

    with rs.RecordingGateway(config, workdir, f"sink-delay-{delay_ms}") as gateway:
        threads = [threading.Thread(target=client_loop, args=(SLOW_STREAMS // SLOW_CONCURRENCY,),
                                    name=f"ttft-{delay_ms}-{n}") for n in range(SLOW_CONCURRENCY)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        in_sink_at_end = len(rs.SinkLog(sink_path).ids())
        gateway.stop()
    assert all(r.status == 200 and len(r.content_times) == 5 for r in results)
    return {"ttft": [r.ttft for r in results], "ids": [r.exchange_id for r in results],
            "in_sink_at_end": in_sink_at_end, "sink": rs.SinkLog(sink_path), "stop": gateway.stop_seconds,
            "journal_seen": journal_seen.is_set()}


@pytest.mark.timeout(120)
def test_a_sink_that_blocks_for_seconds_does_not_raise_the_relay_ttft(lessllm_bin, oa, echo_plugins, tmp_path,
                                                                      test_sink_lib):
    fast = ttft_run(oa, echo_plugins, tmp_path / "fast", test_sink_lib, 0)
    slow = ttft_run(oa, echo_plugins, tmp_path / "slow", test_sink_lib, 2000)
    fast_median, slow_median = rs.median_ms(fast["ttft"]), rs.median_ms(slow["ttft"])
    harness.report(f"slow sink: client TTFT median {fast_median:.1f} ms with a 0 ms sink, {slow_median:.1f} ms with "
                   f"a 2 s sink (difference {slow_median - fast_median:+.1f} ms; max {max(fast['ttft']) * 1000:.1f} / "
                   f"{max(slow['ttft']) * 1000:.1f} ms); slow sink had {slow['in_sink_at_end']}/{SLOW_STREAMS} "
                   f"records when the streams ended, shutdown drained the rest in {slow['stop']:.1f} s")
    assert slow_median - fast_median < 50, (fast_median, slow_median)
    assert max(slow["ttft"]) * 1000 < 1000, "one stream waited for the sink"
    assert slow["in_sink_at_end"] < SLOW_STREAMS, "the slow sink had everything already: it was not slow"
    assert slow["journal_seen"], "the queue (capacity 2) never spilled to the journal"
    for run in (fast, slow):
        ids = run["sink"].ids()
        assert not rs.duplicates(ids), f"records written twice: {rs.duplicates(ids)}"
        assert set(ids) == set(run["ids"]), f"missing from the sink: {set(run['ids']) - set(ids)}"
        records = {record["id"]: record for record in run["sink"].records()}
        assert all(records[i]["outcome"] == "ok" and records[i]["usage"]["output"] == 5 for i in run["ids"])


# ---- 11. a sink that fails gets every record once it recovers ------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_sink_that_fails_its_first_batches_still_gets_every_record_once(lessllm_bin, oa, an, echo_plugins, tmp_path,
                                                                          test_sink_lib):
    db_path = tmp_path / "log.db"
    sink_path = tmp_path / "sink.jsonl"
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path, sink_lib=test_sink_lib,
                                 sink_options={"path": str(sink_path), "fail_first": 3})
    ids = []
    with rs.RecordingGateway(config, tmp_path) as gateway, gateway.client() as client:
        for index in range(12):
            response = harness.post_json(client, "/v1/chat/completions", rs.openai_body("echo", f"record {index}"))
            assert response.status_code == 200
            ids.append(response.headers["x-lessllm-exchange-id"])
            time.sleep(0.05)  # several batches, so that several of them fail
        sink = rs.SinkLog(sink_path)
        deadline = time.monotonic() + 20
        while set(sink.ids()) != set(ids):
            assert time.monotonic() < deadline, f"the sink has {len(set(sink.ids()))} of {len(ids)} records"
            time.sleep(0.05)
        log = gateway.gateway.stderr_text()
    harness.report(f"failing sink: {len(ids)} records arrived in {len(sink.batches())} batches after 3 refused ones")
    assert "sink refused a batch" in log
    assert not rs.duplicates(sink.ids()), f"records written twice: {rs.duplicates(sink.ids())}"
    assert sorted(sink.ids()) == sorted(ids)
    store = rs.Store(db_path)
    assert sorted(store.ids()) == sorted(ids), "the SQLite sink got each record (replays are idempotent)"


@pytest.mark.timeout(60)
def test_journalled_records_survive_a_crash_and_are_replayed_at_the_next_start(lessllm_bin, oa, an, echo_plugins,
                                                                              tmp_path, test_sink_lib):
    sink_path = tmp_path / "sink.jsonl"
    journal = rs.Journal(tmp_path / "records.journal")

    def config(fail_first: int) -> dict:
        return rs.recording_config(oa, an, echo_plugins, sink_lib=test_sink_lib,
                                   sink_options={"path": str(sink_path), "fail_first": fail_first},
                                   recording={"journal": str(journal.path)})

    ids = []
    with rs.RecordingGateway(config(1000), tmp_path, "down-sink") as gateway, gateway.client() as client:
        for index in range(5):
            response = harness.post_json(client, "/v1/chat/completions", rs.openai_body("echo", f"kept {index}"))
            ids.append(response.headers["x-lessllm-exchange-id"])
        journal.wait_for(ids)  # the sink refused them: they wait in the journal
        gateway.kill()
    assert rs.SinkLog(sink_path).ids() == []
    with rs.RecordingGateway(config(0), tmp_path, "recovered-sink"):
        sink = rs.SinkLog(sink_path)
        deadline = time.monotonic() + 10
        while set(sink.ids()) != set(ids):
            assert time.monotonic() < deadline, f"replayed {len(sink.ids())} of {len(ids)}"
            time.sleep(0.05)
    assert sorted(sink.ids()) == sorted(ids) and not rs.duplicates(sink.ids())
    records = {record["id"]: record for record in sink.records()}
    assert [records[i]["request"]["messages"][0]["content"] for i in ids] == [f"kept {n}" for n in range(5)]
    assert all(records[i]["outcome"] == "ok" and records[i]["usage"]["output"] == 2 for i in ids), \
        "a replayed record is the record it would have been"
    assert journal.files() == [], "the replayed journal was not removed"


@pytest.mark.timeout(60)
def test_sigterm_with_a_sink_that_keeps_failing_exits_and_keeps_the_records_in_the_journal(
        lessllm_bin, oa, an, echo_plugins, tmp_path, test_sink_lib):
    journal = rs.Journal(tmp_path / "records.journal")
    config = rs.recording_config(oa, an, echo_plugins, sink_lib=test_sink_lib,
                                 sink_options={"path": str(tmp_path / "sink.jsonl"), "fail_first": 1000},
                                 recording={"journal": str(journal.path)})
    with rs.RecordingGateway(config, tmp_path) as gateway, gateway.client() as client:
        response = harness.post_json(client, "/v1/chat/completions", rs.openai_body("echo", "wait for me"))
        exchange_id = response.headers["x-lessllm-exchange-id"]
        journal.wait_for([exchange_id])
        time.sleep(0.6)  # past the first retry
        gateway.sigterm()
        code = gateway.wait_exit(10)  # the recorder gives up after 4 failed attempts (0.5 s apart)
    harness.report(f"failing sink at shutdown: exit {code} {gateway.stop_seconds:.2f} s after SIGTERM")
    assert code == 0
    assert journal.holds([exchange_id]), "the record was dropped instead of kept for the next start"


def test_a_record_journal_that_cannot_be_written_stops_the_start_with_its_reason(lessllm_bin, oa, an, echo_plugins,
                                                                                tmp_path, test_sink_lib):
    # The journal is written only when the sinks cannot keep up or fail: an unwritable one must show at start, not
    # as records lost under load. (A folder that does not exist stands in for one the gateway's user may not write:
    # the tests may run as root, whom permissions do not stop.)
    journal = tmp_path / "no-such-folder" / "records.journal"
    config = rs.recording_config(oa, an, echo_plugins, sink_lib=test_sink_lib,
                                 sink_options={"path": str(tmp_path / "sink.jsonl")},
                                 recording={"journal": str(journal)})
    gateway = harness.Gateway(config, tmp_path, "unwritable-journal")
    with pytest.raises(RuntimeError) as failure:
        gateway.start()
    assert gateway.proc.returncode == 1
    # Configured, the journal is pointed at where the file names it.
    assert re.search(r"unwritable-journal\.yaml:\d+:\d+: recording\.journal: ", gateway.stderr_text()), gateway.stderr_text()
    assert (f"cannot write the record journal '{journal}' (its folder '{journal.parent}': No such file or "
            "directory)") in gateway.stderr_text()
    assert "set recording.journal to a file the gateway may write" in gateway.stderr_text()
    assert "exited with 1 before listening" in str(failure.value)
    assert not journal.parent.exists()
