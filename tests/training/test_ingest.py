"""Feature ingest: row-by-row reports, whole-body refusals that write nothing, streaming."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from starlette.types import Message

from services.training.errors import CsvRefused
from services.training.ingest.service import ingest_csv
from services.training.main import create_app
from shared.errors import PayloadTooLarge
from tests.asgi import serve, service_headers
from tests.training.conftest import training_settings

CSV = {"Content-Type": "text/csv"}
GOOD_ROWS = "35,85000,1\n52,31000.5,0\n"


@pytest.fixture
async def app_client(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = training_settings(
        training_dsn, mlflow_uri, fresh_model, training_max_csv_bytes=16_384
    )
    async with serve(create_app(settings)) as client:
        yield client


async def _rows(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT idade, renda_anual, comprou_produto, observed_at, source FROM features ORDER BY id"
    )


async def _chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_mixed_csv_gets_a_report_and_only_good_rows_are_written(
    app_client: httpx.AsyncClient, training_pool: asyncpg.Pool
) -> None:
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    body = (
        "\ufeffIdade, Renda_Anual ,COMPROU_PRODUTO,observed_at\r\n"
        "35,85000,sim,2024-05-01T12:00:00Z\r\n"
        "150,31000,não,\r\n"
        "\r\n"
        "40,,yes,2024-05-01\r\n"
        "41,-5,no,\r\n"
        "abc,1000,1,\r\n"
        "30.5,1000,1,\r\n"
        "29.0,1e3,true,2024-05-01 10:00:00\r\n"
        "33,1000,maybe,\r\n"
        "33,nan,0,\r\n"
        '"44","2500.0",false,\r\n'
        '45,"unclosed,1,\r\n'
        "46,1000,1\r\n"
        "47,1000,1,yesterday\r\n"
        f"48,1000,1,{future}\r\n"
        ",1000,1,\r\n"
        "40,abc,1,\r\n"
        "40,1000,,\r\n"
    )
    answer = await app_client.post("/v1/features/csv", content=body.encode(), headers=CSV)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["source"], report["received"], report["accepted"]) == ("csv", 17, 3)
    reasons = {item["line"]: item["reason"] for item in report["rejections"]}
    assert report["rejected"] == len(reasons) == 14
    assert not report["rejections_truncated"]
    assert reasons[3] == "idade 150 is outside 18..100"
    assert reasons[5] == "renda_anual is missing"
    assert "renda_anual -5 is outside" in reasons[6]
    assert "idade 'abc' is not a number" in reasons[7]
    assert "idade 30.5 is not a whole number" in reasons[8]
    assert "comprou_produto" in reasons[10] and "maybe" in reasons[10]
    assert reasons[11] == "renda_anual 'nan' is not a number"
    assert "malformed CSV quoting" in reasons[13]
    assert reasons[14] == "expected 4 fields, got 3"
    assert "not an ISO 8601" in reasons[15] and "in the future" in reasons[16]
    assert (reasons[17], reasons[19]) == ("idade is missing", "comprou_produto is missing")
    assert reasons[18] == "renda_anual 'abc' is not a number"
    rows = await _rows(training_pool)
    assert [(r["idade"], r["renda_anual"], r["comprou_produto"]) for r in rows] == [
        (35, 85000.0, True),
        (29, 1000.0, True),
        (44, 2500.0, False),
    ]
    assert rows[0]["observed_at"] == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert rows[1]["observed_at"] == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert abs(rows[2]["observed_at"] - datetime.now(UTC)) < timedelta(minutes=1)
    assert all(r["source"] == "csv" for r in rows)


@pytest.mark.parametrize(
    ("body", "error_type", "fragment"),
    [
        ("age,income,bought\n35,1000,1\n", "invalid_csv_header", "the header must be"),
        ("idade,renda_anual\n35,1000\n", "invalid_csv_header", "comprou_produto"),
        (
            "idade,renda_anual,comprou_produto,idade\n35,1000,1,35\n",
            "invalid_csv_header",
            "the header must be",
        ),
        ("", "invalid_csv_header", "the body is empty"),
        ('"idade,renda_anual\n', "not_csv", "header row is not valid CSV"),
        (f"idade,renda_anual,comprou_produto\n{GOOD_ROWS}35,1000,\x00\n", "not_csv", "NUL"),
    ],
)
async def test_a_body_refused_whole_writes_nothing(
    app_client: httpx.AsyncClient,
    training_pool: asyncpg.Pool,
    body: str,
    error_type: str,
    fragment: str,
) -> None:
    answer = await app_client.post("/v1/features/csv", content=body.encode(), headers=CSV)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["type"] == error_type and fragment in error["message"]
    assert await _rows(training_pool) == []


async def test_binary_and_oversized_bodies_write_nothing(
    app_client: httpx.AsyncClient, training_pool: asyncpg.Pool
) -> None:
    header = b"idade,renda_anual,comprou_produto\n"
    binary = await app_client.post(
        "/v1/features/csv", content=header + GOOD_ROWS.encode() + b"\xff\xfe\x00", headers=CSV
    )
    assert binary.status_code == 422 and binary.json()["error"]["type"] == "not_csv"
    endless = await app_client.post(
        "/v1/features/csv", content=_chunks([header, b"1" * 6_000, b"2" * 6_000]), headers=CSV
    )
    assert endless.status_code == 422 and "longer than" in endless.json()["error"]["message"]
    big = header + GOOD_ROWS.encode() * 1_000  # over the 16 KiB test limit

    declared = await app_client.post("/v1/features/csv", content=big, headers=CSV)
    assert declared.status_code == 413 and declared.json()["error"]["type"] == "csv_too_large"
    streamed = await app_client.post(
        "/v1/features/csv", content=_chunks([big[:10_000], big[10_000:]]), headers=CSV
    )
    assert streamed.status_code == 413
    assert await _rows(training_pool) == []


async def test_other_content_types_are_415(app_client: httpx.AsyncClient) -> None:
    answer = await app_client.post(
        "/v1/features/csv", content=b"{}", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 415
    assert answer.json()["error"]["type"] == "unsupported_media_type"


async def test_stream_split_inside_lines_and_characters(training_pool: asyncpg.Pool) -> None:
    body = "idade,renda_anual,comprou_produto\n35,1000,sim\n36,2000,não\n37,3000,NÃO".encode()
    cut = body.index("ã".encode()) + 1  # split a two-byte character across chunks
    parts = [body[:5], body[5:40], body[40:cut], body[cut:]]
    report = await ingest_csv(pool=training_pool, chunks=_chunks(parts), max_bytes=10_000)
    assert (report.received, report.accepted, report.rejected) == (3, 3, 0)
    labels = [r["comprou_produto"] for r in await _rows(training_pool)]
    assert labels == [True, False, False]


async def test_batches_share_one_transaction(training_pool: asyncpg.Pool) -> None:
    good = "".join(f"{20 + i % 50},{1000 + i},1\n" for i in range(250))
    body = f"idade,renda_anual,comprou_produto\n{good}".encode()
    parts = [body[i : i + 512] for i in range(0, len(body), 512)]

    async def broken() -> AsyncIterator[bytes]:
        for part in parts:
            yield part
        raise PayloadTooLarge("cut off after the rows were copied")

    with pytest.raises(PayloadTooLarge):
        await ingest_csv(pool=training_pool, chunks=broken(), max_bytes=10**6, batch_rows=100)
    assert await _rows(training_pool) == []
    report = await ingest_csv(
        pool=training_pool, chunks=_chunks(parts), max_bytes=10**6, batch_rows=100
    )
    assert report.accepted == 250 == len(await _rows(training_pool))


async def test_rejection_list_is_capped_but_counted(training_pool: asyncpg.Pool) -> None:
    body = "idade,renda_anual,comprou_produto\n" + "17,1000,1\n" * 1_200
    report = await ingest_csv(pool=training_pool, chunks=_chunks([body.encode()]), max_bytes=10**6)
    assert report.rejected == 1_200 and len(report.rejections) == 1_000
    assert report.rejections_truncated and report.rejections[-1].line == 1_001


async def test_csv_refusal_is_a_csv_refused_error(training_pool: asyncpg.Pool) -> None:
    with pytest.raises(CsvRefused):
        await ingest_csv(pool=training_pool, chunks=_chunks([b"nope\n"]), max_bytes=100)


async def test_json_rows_are_checked_one_by_one(
    app_client: httpx.AsyncClient, training_pool: asyncpg.Pool
) -> None:
    rows = [
        {"idade": 35, "renda_anual": 85000.0, "comprou_produto": 1},
        {"idade": 150, "renda_anual": 1000, "comprou_produto": "não"},
        {"idade": 40, "renda_anual": 1000, "comprou_produto": "talvez"},
        {"idade": "40", "renda_anual": 1000, "comprou_produto": True},
        {"idade": 40, "renda_anual": 1000, "comprou_produto": "sim", "extra": 1},
        {"idade": 41, "renda_anual": 2000, "comprou_produto": "no", "observed_at": "2024-05-01"},
        {"idade": 42, "renda_anual": 2000, "comprou_produto": 0, "observed_at": "2999-01-01"},
    ]
    answer = await app_client.post("/v1/features", json={"rows": rows})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["source"], report["received"], report["accepted"]) == ("json", 7, 2)
    reasons = {item["line"]: item["reason"] for item in report["rejections"]}
    assert set(reasons) == {2, 3, 4, 5, 7}
    assert reasons[2].startswith("idade: Input should be less than or equal to 100")
    assert "talvez" in reasons[3] and "extra" in reasons[5] and "future" in reasons[7]
    stored = await _rows(training_pool)
    assert [(r["idade"], r["comprou_produto"], r["source"]) for r in stored] == [
        (35, True, "json"),
        (41, False, "json"),
    ]
    assert stored[1]["observed_at"] == datetime(2024, 5, 1, tzinfo=UTC)


async def test_json_body_shape_is_validated(app_client: httpx.AsyncClient) -> None:
    empty = await app_client.post("/v1/features", json={"rows": []})
    assert empty.status_code == 422
    wrong = await app_client.post("/v1/features", json=[{"idade": 35}])
    assert wrong.status_code == 422
    not_objects = await app_client.post("/v1/features", json={"rows": ["35,1000,1"]})
    assert not_objects.status_code == 422
    assert not_objects.json()["error"]["details"][0]["field"] == "rows.0"


async def test_a_sender_that_goes_away_mid_body_writes_nothing(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    settings = training_settings(
        training_dsn, mlflow_uri, fresh_model, training_ingest_batch_rows=100
    )
    rows = b"idade,renda_anual,comprou_produto\n" + b"35,1000,1\n" * 250
    messages: list[Message] = [
        {"type": "http.request", "body": rows, "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/features/csv",
        "raw_path": b"/v1/features/csv",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"text/csv"),
            (b"host", b"testserver"),
            *[(k.lower().encode(), v.encode()) for k, v in service_headers("training").items()],
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await app(scope, receive, send)
    assert sent[0]["status"] == 400
    body = b"".join(message.get("body", b"") for message in sent[1:])
    assert b'"upload_interrupted"' in body
    assert await _rows(training_pool) == []
