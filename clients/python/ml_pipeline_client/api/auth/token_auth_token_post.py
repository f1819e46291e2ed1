from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.body_token_auth_token_post import BodyTokenAuthTokenPost
from ...models.error_body import ErrorBody
from ...models.token_response import TokenResponse
from ...types import Response


def _get_kwargs(
    *,
    body: BodyTokenAuthTokenPost,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TokenResponse | None:
    if response.status_code == 200:
        response_200 = TokenResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | TokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BodyTokenAuthTokenPost,
) -> Response[ErrorBody | TokenResponse]:
    """Get an access token

     OAuth2 password flow: send `username` and `password` as form fields (`application/x-www-form-
    urlencoded`), optionally `scope` (space-separated: `predict`, `admin`). Returns a bearer token to
    send as `Authorization: Bearer …`. Limited to 30/minute per client IP and 10/minute failed attempts
    per account.

    Args:
        body (BodyTokenAuthTokenPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TokenResponse]
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
    client: AuthenticatedClient | Client,
    body: BodyTokenAuthTokenPost,
) -> ErrorBody | TokenResponse | None:
    """Get an access token

     OAuth2 password flow: send `username` and `password` as form fields (`application/x-www-form-
    urlencoded`), optionally `scope` (space-separated: `predict`, `admin`). Returns a bearer token to
    send as `Authorization: Bearer …`. Limited to 30/minute per client IP and 10/minute failed attempts
    per account.

    Args:
        body (BodyTokenAuthTokenPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BodyTokenAuthTokenPost,
) -> Response[ErrorBody | TokenResponse]:
    """Get an access token

     OAuth2 password flow: send `username` and `password` as form fields (`application/x-www-form-
    urlencoded`), optionally `scope` (space-separated: `predict`, `admin`). Returns a bearer token to
    send as `Authorization: Bearer …`. Limited to 30/minute per client IP and 10/minute failed attempts
    per account.

    Args:
        body (BodyTokenAuthTokenPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: BodyTokenAuthTokenPost,
) -> ErrorBody | TokenResponse | None:
    """Get an access token

     OAuth2 password flow: send `username` and `password` as form fields (`application/x-www-form-
    urlencoded`), optionally `scope` (space-separated: `predict`, `admin`). Returns a bearer token to
    send as `Authorization: Bearer …`. Limited to 30/minute per client IP and 10/minute failed attempts
    per account.

    Args:
        body (BodyTokenAuthTokenPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
