from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.erasure_report import ErasureReport
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    customer_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/customers/{customer_id}".format(
            customer_id=quote(str(customer_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErasureReport | ErrorBody | None:
    if response.status_code == 200:
        response_200 = ErasureReport.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

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
) -> Response[ErasureReport | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    customer_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErasureReport | ErrorBody]:
    """Erase one customer (deletion request)

     Answers a data subject's deletion request: deletes the customer's predictions, outcomes and labelled
    training rows, under every configured pseudonym key, in one transaction, and answers how many rows
    went from each table. Drift checks and A/B results computed afterwards simply lack those rows. The
    erasure is recorded in the audit log without the customer's id. Erasing again answers zeros. Needs
    scope `admin`.

    Args:
        customer_id (str): The `customer_id` as it was sent with predictions

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureReport | ErrorBody]
    """

    kwargs = _get_kwargs(
        customer_id=customer_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    customer_id: str,
    *,
    client: AuthenticatedClient,
) -> ErasureReport | ErrorBody | None:
    """Erase one customer (deletion request)

     Answers a data subject's deletion request: deletes the customer's predictions, outcomes and labelled
    training rows, under every configured pseudonym key, in one transaction, and answers how many rows
    went from each table. Drift checks and A/B results computed afterwards simply lack those rows. The
    erasure is recorded in the audit log without the customer's id. Erasing again answers zeros. Needs
    scope `admin`.

    Args:
        customer_id (str): The `customer_id` as it was sent with predictions

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureReport | ErrorBody
    """

    return sync_detailed(
        customer_id=customer_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    customer_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErasureReport | ErrorBody]:
    """Erase one customer (deletion request)

     Answers a data subject's deletion request: deletes the customer's predictions, outcomes and labelled
    training rows, under every configured pseudonym key, in one transaction, and answers how many rows
    went from each table. Drift checks and A/B results computed afterwards simply lack those rows. The
    erasure is recorded in the audit log without the customer's id. Erasing again answers zeros. Needs
    scope `admin`.

    Args:
        customer_id (str): The `customer_id` as it was sent with predictions

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureReport | ErrorBody]
    """

    kwargs = _get_kwargs(
        customer_id=customer_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    customer_id: str,
    *,
    client: AuthenticatedClient,
) -> ErasureReport | ErrorBody | None:
    """Erase one customer (deletion request)

     Answers a data subject's deletion request: deletes the customer's predictions, outcomes and labelled
    training rows, under every configured pseudonym key, in one transaction, and answers how many rows
    went from each table. Drift checks and A/B results computed afterwards simply lack those rows. The
    erasure is recorded in the audit log without the customer's id. Erasing again answers zeros. Needs
    scope `admin`.

    Args:
        customer_id (str): The `customer_id` as it was sent with predictions

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureReport | ErrorBody
    """

    return (
        await asyncio_detailed(
            customer_id=customer_id,
            client=client,
        )
    ).parsed
