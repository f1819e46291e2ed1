from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.experiment_view import ExperimentView
from ...models.start_experiment_request import StartExperimentRequest
from ...types import Response


def _get_kwargs(
    *,
    body: StartExperimentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/experiments/ab",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ExperimentView | None:
    if response.status_code == 201:
        response_201 = ExperimentView.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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
) -> Response[ErrorBody | ExperimentView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: StartExperimentRequest,
) -> Response[ErrorBody | ExperimentView]:
    """Start an A/B test or a shadow deployment

     Gives registry version `challenger_version` the alias `challenger` and records the experiment. Mode
    `ab` sends the share `traffic` (0 < traffic < 1) of customers to the challenger; the variant is
    fixed per `customer_id` (or per caller) for the whole experiment, on every replica. Mode `shadow`
    keeps production answering everyone while the challenger scores every request afterwards, unseen.
    Replicas apply it within their reload interval. 404 when the version is not registered; 409 when it
    is the production version, no production model exists, or an experiment is already running (end it
    first: one at a time). Needs scope `admin`.

    Args:
        body (StartExperimentRequest): Start an experiment: a registered version becomes the
            `challenger`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ExperimentView]
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
    body: StartExperimentRequest,
) -> ErrorBody | ExperimentView | None:
    """Start an A/B test or a shadow deployment

     Gives registry version `challenger_version` the alias `challenger` and records the experiment. Mode
    `ab` sends the share `traffic` (0 < traffic < 1) of customers to the challenger; the variant is
    fixed per `customer_id` (or per caller) for the whole experiment, on every replica. Mode `shadow`
    keeps production answering everyone while the challenger scores every request afterwards, unseen.
    Replicas apply it within their reload interval. 404 when the version is not registered; 409 when it
    is the production version, no production model exists, or an experiment is already running (end it
    first: one at a time). Needs scope `admin`.

    Args:
        body (StartExperimentRequest): Start an experiment: a registered version becomes the
            `challenger`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ExperimentView
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: StartExperimentRequest,
) -> Response[ErrorBody | ExperimentView]:
    """Start an A/B test or a shadow deployment

     Gives registry version `challenger_version` the alias `challenger` and records the experiment. Mode
    `ab` sends the share `traffic` (0 < traffic < 1) of customers to the challenger; the variant is
    fixed per `customer_id` (or per caller) for the whole experiment, on every replica. Mode `shadow`
    keeps production answering everyone while the challenger scores every request afterwards, unseen.
    Replicas apply it within their reload interval. 404 when the version is not registered; 409 when it
    is the production version, no production model exists, or an experiment is already running (end it
    first: one at a time). Needs scope `admin`.

    Args:
        body (StartExperimentRequest): Start an experiment: a registered version becomes the
            `challenger`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ExperimentView]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: StartExperimentRequest,
) -> ErrorBody | ExperimentView | None:
    """Start an A/B test or a shadow deployment

     Gives registry version `challenger_version` the alias `challenger` and records the experiment. Mode
    `ab` sends the share `traffic` (0 < traffic < 1) of customers to the challenger; the variant is
    fixed per `customer_id` (or per caller) for the whole experiment, on every replica. Mode `shadow`
    keeps production answering everyone while the challenger scores every request afterwards, unseen.
    Replicas apply it within their reload interval. 404 when the version is not registered; 409 when it
    is the production version, no production model exists, or an experiment is already running (end it
    first: one at a time). Needs scope `admin`.

    Args:
        body (StartExperimentRequest): Start an experiment: a registered version becomes the
            `challenger`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ExperimentView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
