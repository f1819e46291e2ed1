from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.ingest_report import IngestReport
from ...models.ingest_rows_request import IngestRowsRequest
from ...types import Response


def _get_kwargs(
    *,
    body: IngestRowsRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/features",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | IngestReport | None:
    if response.status_code == 200:
        response_200 = IngestReport.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = ErrorBody.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ErrorBody.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | IngestReport]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: IngestRowsRequest,
) -> Response[ErrorBody | IngestReport]:
    """Ingest labelled rows (JSON)

     Adds 1 to 10000 labelled customers to the feature table that training reads. Each row is checked on
    its own against the feature contract (`idade` a whole number 18–100, `renda_anual` finite
    0–10,000,000, `comprou_produto` as 0/1, true/false, yes/no or sim/não, optional ISO 8601
    `observed_at`, no other fields). The answer is a report: accepted rows are written together in one
    transaction, rejected rows are listed with their position and the reason. Needs scope `admin`.

    Args:
        body (IngestRowsRequest): Labelled rows sent as JSON; each row is checked on its own.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | IngestReport]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: IngestRowsRequest,
) -> ErrorBody | IngestReport | None:
    """Ingest labelled rows (JSON)

     Adds 1 to 10000 labelled customers to the feature table that training reads. Each row is checked on
    its own against the feature contract (`idade` a whole number 18–100, `renda_anual` finite
    0–10,000,000, `comprou_produto` as 0/1, true/false, yes/no or sim/não, optional ISO 8601
    `observed_at`, no other fields). The answer is a report: accepted rows are written together in one
    transaction, rejected rows are listed with their position and the reason. Needs scope `admin`.

    Args:
        body (IngestRowsRequest): Labelled rows sent as JSON; each row is checked on its own.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | IngestReport
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: IngestRowsRequest,
) -> Response[ErrorBody | IngestReport]:
    """Ingest labelled rows (JSON)

     Adds 1 to 10000 labelled customers to the feature table that training reads. Each row is checked on
    its own against the feature contract (`idade` a whole number 18–100, `renda_anual` finite
    0–10,000,000, `comprou_produto` as 0/1, true/false, yes/no or sim/não, optional ISO 8601
    `observed_at`, no other fields). The answer is a report: accepted rows are written together in one
    transaction, rejected rows are listed with their position and the reason. Needs scope `admin`.

    Args:
        body (IngestRowsRequest): Labelled rows sent as JSON; each row is checked on its own.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | IngestReport]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: IngestRowsRequest,
) -> ErrorBody | IngestReport | None:
    """Ingest labelled rows (JSON)

     Adds 1 to 10000 labelled customers to the feature table that training reads. Each row is checked on
    its own against the feature contract (`idade` a whole number 18–100, `renda_anual` finite
    0–10,000,000, `comprou_produto` as 0/1, true/false, yes/no or sim/não, optional ISO 8601
    `observed_at`, no other fields). The answer is a report: accepted rows are written together in one
    transaction, rejected rows are listed with their position and the reason. Needs scope `admin`.

    Args:
        body (IngestRowsRequest): Labelled rows sent as JSON; each row is checked on its own.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | IngestReport
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
