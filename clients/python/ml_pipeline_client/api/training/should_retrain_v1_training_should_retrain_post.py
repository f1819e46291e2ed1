from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.should_retrain_request import ShouldRetrainRequest
from ...models.should_retrain_response import ShouldRetrainResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: None | ShouldRetrainRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/training/should-retrain",
    }

    if isinstance(body, ShouldRetrainRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ShouldRetrainResponse | None:
    if response.status_code == 200:
        response_200 = ShouldRetrainResponse.from_dict(response.json())

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
) -> Response[ErrorBody | ShouldRetrainResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: None | ShouldRetrainRequest | Unset = UNSET,
) -> Response[ErrorBody | ShouldRetrainResponse]:
    """Check whether new labelled rows call for a retrain

     Counts the labelled rows observed since `since` (default: the last 7 days; feedback included) and,
    when there are at least `min_rows` (default 200), scores the current production model on them.
    `verdict` is `insufficient_data` when fewer rows exist, `retrain` when production's accuracy is
    below `threshold` (or nothing serves yet) and `ok` otherwise. Schedulers call this before starting a
    training job, passing the time the production model's data was extracted as `since`, so that a job
    only runs when there is new data to learn from. Reads only; needs scope `admin`.

    Args:
        body (None | ShouldRetrainRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ShouldRetrainResponse]
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
    body: None | ShouldRetrainRequest | Unset = UNSET,
) -> ErrorBody | ShouldRetrainResponse | None:
    """Check whether new labelled rows call for a retrain

     Counts the labelled rows observed since `since` (default: the last 7 days; feedback included) and,
    when there are at least `min_rows` (default 200), scores the current production model on them.
    `verdict` is `insufficient_data` when fewer rows exist, `retrain` when production's accuracy is
    below `threshold` (or nothing serves yet) and `ok` otherwise. Schedulers call this before starting a
    training job, passing the time the production model's data was extracted as `since`, so that a job
    only runs when there is new data to learn from. Reads only; needs scope `admin`.

    Args:
        body (None | ShouldRetrainRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ShouldRetrainResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: None | ShouldRetrainRequest | Unset = UNSET,
) -> Response[ErrorBody | ShouldRetrainResponse]:
    """Check whether new labelled rows call for a retrain

     Counts the labelled rows observed since `since` (default: the last 7 days; feedback included) and,
    when there are at least `min_rows` (default 200), scores the current production model on them.
    `verdict` is `insufficient_data` when fewer rows exist, `retrain` when production's accuracy is
    below `threshold` (or nothing serves yet) and `ok` otherwise. Schedulers call this before starting a
    training job, passing the time the production model's data was extracted as `since`, so that a job
    only runs when there is new data to learn from. Reads only; needs scope `admin`.

    Args:
        body (None | ShouldRetrainRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ShouldRetrainResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: None | ShouldRetrainRequest | Unset = UNSET,
) -> ErrorBody | ShouldRetrainResponse | None:
    """Check whether new labelled rows call for a retrain

     Counts the labelled rows observed since `since` (default: the last 7 days; feedback included) and,
    when there are at least `min_rows` (default 200), scores the current production model on them.
    `verdict` is `insufficient_data` when fewer rows exist, `retrain` when production's accuracy is
    below `threshold` (or nothing serves yet) and `ok` otherwise. Schedulers call this before starting a
    training job, passing the time the production model's data was extracted as `since`, so that a job
    only runs when there is new data to learn from. Reads only; needs scope `admin`.

    Args:
        body (None | ShouldRetrainRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ShouldRetrainResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
