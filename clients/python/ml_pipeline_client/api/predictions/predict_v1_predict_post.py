from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.predict_request import PredictRequest
from ...models.prediction_response import PredictionResponse
from ...types import Response


def _get_kwargs(
    *,
    body: PredictRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/predict",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PredictionResponse | None:
    if response.status_code == 200:
        response_200 = PredictionResponse.from_dict(response.json())

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
) -> Response[ErrorBody | PredictionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PredictRequest,
) -> Response[ErrorBody | PredictionResponse]:
    """Score one customer

     Probability that the customer buys the product, the decision at 0.5, and the model version and
    variant that answered. `idade` must be a whole number from 18 to 100 and `renda_anual` a finite
    number from 0 to 10,000,000; unknown fields are rejected. During an A/B test the variant is fixed
    per `customer_id` (or per caller). Needs scope `predict`.

    Args:
        body (PredictRequest): One customer to score.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PredictionResponse]
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
    body: PredictRequest,
) -> ErrorBody | PredictionResponse | None:
    """Score one customer

     Probability that the customer buys the product, the decision at 0.5, and the model version and
    variant that answered. `idade` must be a whole number from 18 to 100 and `renda_anual` a finite
    number from 0 to 10,000,000; unknown fields are rejected. During an A/B test the variant is fixed
    per `customer_id` (or per caller). Needs scope `predict`.

    Args:
        body (PredictRequest): One customer to score.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PredictionResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PredictRequest,
) -> Response[ErrorBody | PredictionResponse]:
    """Score one customer

     Probability that the customer buys the product, the decision at 0.5, and the model version and
    variant that answered. `idade` must be a whole number from 18 to 100 and `renda_anual` a finite
    number from 0 to 10,000,000; unknown fields are rejected. During an A/B test the variant is fixed
    per `customer_id` (or per caller). Needs scope `predict`.

    Args:
        body (PredictRequest): One customer to score.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PredictionResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PredictRequest,
) -> ErrorBody | PredictionResponse | None:
    """Score one customer

     Probability that the customer buys the product, the decision at 0.5, and the model version and
    variant that answered. `idade` must be a whole number from 18 to 100 and `renda_anual` a finite
    number from 0 to 10,000,000; unknown fields are rejected. During an A/B test the variant is fixed
    per `customer_id` (or per caller). Needs scope `predict`.

    Args:
        body (PredictRequest): One customer to score.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PredictionResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
