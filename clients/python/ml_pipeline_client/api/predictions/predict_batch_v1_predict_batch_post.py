from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_predict_request import BatchPredictRequest
from ...models.batch_prediction_response import BatchPredictionResponse
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    *,
    body: BatchPredictRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/predict/batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchPredictionResponse | ErrorBody | None:
    if response.status_code == 200:
        response_200 = BatchPredictionResponse.from_dict(response.json())

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
) -> Response[BatchPredictionResponse | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchPredictRequest,
) -> Response[BatchPredictionResponse | ErrorBody]:
    """Score up to 1,000 customers

     Scores 1 to 1000 customers and answers in the same order. Each instance follows the single-
    prediction rules; one invalid instance rejects the whole batch with 422 naming it
    (`instances.N.field`) and nothing is scored. Needs scope `predict`.

    Args:
        body (BatchPredictRequest): Up to MAX_BATCH_INSTANCES customers scored in one call,
            answered in order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchPredictionResponse | ErrorBody]
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
    body: BatchPredictRequest,
) -> BatchPredictionResponse | ErrorBody | None:
    """Score up to 1,000 customers

     Scores 1 to 1000 customers and answers in the same order. Each instance follows the single-
    prediction rules; one invalid instance rejects the whole batch with 422 naming it
    (`instances.N.field`) and nothing is scored. Needs scope `predict`.

    Args:
        body (BatchPredictRequest): Up to MAX_BATCH_INSTANCES customers scored in one call,
            answered in order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchPredictionResponse | ErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchPredictRequest,
) -> Response[BatchPredictionResponse | ErrorBody]:
    """Score up to 1,000 customers

     Scores 1 to 1000 customers and answers in the same order. Each instance follows the single-
    prediction rules; one invalid instance rejects the whole batch with 422 naming it
    (`instances.N.field`) and nothing is scored. Needs scope `predict`.

    Args:
        body (BatchPredictRequest): Up to MAX_BATCH_INSTANCES customers scored in one call,
            answered in order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchPredictionResponse | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BatchPredictRequest,
) -> BatchPredictionResponse | ErrorBody | None:
    """Score up to 1,000 customers

     Scores 1 to 1000 customers and answers in the same order. Each instance follows the single-
    prediction rules; one invalid instance rejects the whole batch with 422 naming it
    (`instances.N.field`) and nothing is scored. Needs scope `predict`.

    Args:
        body (BatchPredictRequest): Up to MAX_BATCH_INSTANCES customers scored in one call,
            answered in order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchPredictionResponse | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
