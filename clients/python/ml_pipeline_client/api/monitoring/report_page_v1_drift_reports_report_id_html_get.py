from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    report_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/drift/reports/{report_id}.html".format(
            report_id=quote(str(report_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    report_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | str]:
    """One drift report as a page

     One drift report as a page a person reads, self-contained (inline CSS and SVG, nothing fetched): per
    input feature and for the predicted probability, the reference and current distributions overlaid,
    the KS p-value and the effect size against their thresholds; the verdict and the action taken
    (including `awaiting_labels` with the count of new labels); live and estimated accuracy over the
    model's recent checks. Needs scope `admin`.

    Args:
        report_id (int): Drift report id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    report_id: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | str | None:
    """One drift report as a page

     One drift report as a page a person reads, self-contained (inline CSS and SVG, nothing fetched): per
    input feature and for the predicted probability, the reference and current distributions overlaid,
    the KS p-value and the effect size against their thresholds; the verdict and the action taken
    (including `awaiting_labels` with the count of new labels); live and estimated accuracy over the
    model's recent checks. Needs scope `admin`.

    Args:
        report_id (int): Drift report id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
    """

    return sync_detailed(
        report_id=report_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    report_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | str]:
    """One drift report as a page

     One drift report as a page a person reads, self-contained (inline CSS and SVG, nothing fetched): per
    input feature and for the predicted probability, the reference and current distributions overlaid,
    the KS p-value and the effect size against their thresholds; the verdict and the action taken
    (including `awaiting_labels` with the count of new labels); live and estimated accuracy over the
    model's recent checks. Needs scope `admin`.

    Args:
        report_id (int): Drift report id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    report_id: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | str | None:
    """One drift report as a page

     One drift report as a page a person reads, self-contained (inline CSS and SVG, nothing fetched): per
    input feature and for the predicted probability, the reference and current distributions overlaid,
    the KS p-value and the effect size against their thresholds; the verdict and the action taken
    (including `awaiting_labels` with the count of new labels); live and estimated accuracy over the
    model's recent checks. Needs scope `admin`.

    Args:
        report_id (int): Drift report id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
    """

    return (
        await asyncio_detailed(
            report_id=report_id,
            client=client,
        )
    ).parsed
