from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.experiment_results import ExperimentResults
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/experiments/ab",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ExperimentResults | None:
    if response.status_code == 200:
        response_200 = ExperimentResults.from_dict(response.json())

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
) -> Response[ErrorBody | ExperimentResults]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | ExperimentResults]:
    """Experiment results

     Results of the running experiment (or of the last one): per variant the predictions served and their
    realised share, outcomes received, accuracy and conversion rate; challenger-minus-production
    differences with a confidence interval and a two-proportion z-test p-value; the outcomes each
    variant still needs to detect the configured minimum effect; and a recommendation: `promote`, `keep`
    or `not_enough_data`. In shadow mode both models are compared on the same requests. 404 when no
    experiment ever ran. Needs scope `admin`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ExperimentResults]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> ErrorBody | ExperimentResults | None:
    """Experiment results

     Results of the running experiment (or of the last one): per variant the predictions served and their
    realised share, outcomes received, accuracy and conversion rate; challenger-minus-production
    differences with a confidence interval and a two-proportion z-test p-value; the outcomes each
    variant still needs to detect the configured minimum effect; and a recommendation: `promote`, `keep`
    or `not_enough_data`. In shadow mode both models are compared on the same requests. 404 when no
    experiment ever ran. Needs scope `admin`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ExperimentResults
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | ExperimentResults]:
    """Experiment results

     Results of the running experiment (or of the last one): per variant the predictions served and their
    realised share, outcomes received, accuracy and conversion rate; challenger-minus-production
    differences with a confidence interval and a two-proportion z-test p-value; the outcomes each
    variant still needs to detect the configured minimum effect; and a recommendation: `promote`, `keep`
    or `not_enough_data`. In shadow mode both models are compared on the same requests. 404 when no
    experiment ever ran. Needs scope `admin`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ExperimentResults]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> ErrorBody | ExperimentResults | None:
    """Experiment results

     Results of the running experiment (or of the last one): per variant the predictions served and their
    realised share, outcomes received, accuracy and conversion rate; challenger-minus-production
    differences with a confidence interval and a two-proportion z-test p-value; the outcomes each
    variant still needs to detect the configured minimum effect; and a recommendation: `promote`, `keep`
    or `not_enough_data`. In shadow mode both models are compared on the same requests. 404 when no
    experiment ever ran. Needs scope `admin`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ExperimentResults
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
