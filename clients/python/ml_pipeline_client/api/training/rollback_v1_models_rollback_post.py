from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.promotion_response import PromotionResponse
from ...models.rollback_request import RollbackRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: None | RollbackRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/models/rollback",
    }

    if isinstance(body, RollbackRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PromotionResponse | None:
    if response.status_code == 200:
        response_200 = PromotionResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

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
) -> Response[ErrorBody | PromotionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: None | RollbackRequest | Unset = UNSET,
) -> Response[ErrorBody | PromotionResponse]:
    """Roll production back to the previous version

     Points `production` back at the version the current one replaced (each promotion remembers it), in
    one call, and tells inference to reload. Rolling back again keeps walking back through the promotion
    history. 409 `no_previous_version` when there is nothing to go back to. Needs scope `admin`.

    Args:
        body (None | RollbackRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PromotionResponse]
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
    body: None | RollbackRequest | Unset = UNSET,
) -> ErrorBody | PromotionResponse | None:
    """Roll production back to the previous version

     Points `production` back at the version the current one replaced (each promotion remembers it), in
    one call, and tells inference to reload. Rolling back again keeps walking back through the promotion
    history. 409 `no_previous_version` when there is nothing to go back to. Needs scope `admin`.

    Args:
        body (None | RollbackRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PromotionResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: None | RollbackRequest | Unset = UNSET,
) -> Response[ErrorBody | PromotionResponse]:
    """Roll production back to the previous version

     Points `production` back at the version the current one replaced (each promotion remembers it), in
    one call, and tells inference to reload. Rolling back again keeps walking back through the promotion
    history. 409 `no_previous_version` when there is nothing to go back to. Needs scope `admin`.

    Args:
        body (None | RollbackRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PromotionResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: None | RollbackRequest | Unset = UNSET,
) -> ErrorBody | PromotionResponse | None:
    """Roll production back to the previous version

     Points `production` back at the version the current one replaced (each promotion remembers it), in
    one call, and tells inference to reload. Rolling back again keeps walking back through the promotion
    history. 409 `no_previous_version` when there is nothing to go back to. Needs scope `admin`.

    Args:
        body (None | RollbackRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PromotionResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
