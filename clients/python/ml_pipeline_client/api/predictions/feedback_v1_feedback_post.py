from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.feedback_receipt import FeedbackReceipt
from ...models.feedback_request import FeedbackRequest
from ...types import Response


def _get_kwargs(
    *,
    body: FeedbackRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/feedback",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | FeedbackReceipt | None:
    if response.status_code == 202:
        response_202 = FeedbackReceipt.from_dict(response.json())

        return response_202

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
) -> Response[ErrorBody | FeedbackReceipt]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: FeedbackRequest,
) -> Response[ErrorBody | FeedbackReceipt]:
    """Report what the customer actually did

     Stores the real outcome (`comprou_produto`) of a prediction served earlier, identified by the
    `prediction_id` of its answer. The outcome feeds live accuracy, A/B test results and, as a labelled
    row, the next training run. Predictions are stored within about 0.2 s of being answered: an outcome
    sent sooner may get 404 and can be retried. 404 for an unknown `prediction_id`; 409 when that
    prediction already has an outcome (outcomes are final); 403 `not_prediction_owner` when the
    prediction was served to another caller (only that caller, or an admin, may report its outcome).
    Needs scope `predict`.

    Args:
        body (FeedbackRequest): The actual outcome for a prediction served earlier.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | FeedbackReceipt]
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
    body: FeedbackRequest,
) -> ErrorBody | FeedbackReceipt | None:
    """Report what the customer actually did

     Stores the real outcome (`comprou_produto`) of a prediction served earlier, identified by the
    `prediction_id` of its answer. The outcome feeds live accuracy, A/B test results and, as a labelled
    row, the next training run. Predictions are stored within about 0.2 s of being answered: an outcome
    sent sooner may get 404 and can be retried. 404 for an unknown `prediction_id`; 409 when that
    prediction already has an outcome (outcomes are final); 403 `not_prediction_owner` when the
    prediction was served to another caller (only that caller, or an admin, may report its outcome).
    Needs scope `predict`.

    Args:
        body (FeedbackRequest): The actual outcome for a prediction served earlier.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | FeedbackReceipt
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: FeedbackRequest,
) -> Response[ErrorBody | FeedbackReceipt]:
    """Report what the customer actually did

     Stores the real outcome (`comprou_produto`) of a prediction served earlier, identified by the
    `prediction_id` of its answer. The outcome feeds live accuracy, A/B test results and, as a labelled
    row, the next training run. Predictions are stored within about 0.2 s of being answered: an outcome
    sent sooner may get 404 and can be retried. 404 for an unknown `prediction_id`; 409 when that
    prediction already has an outcome (outcomes are final); 403 `not_prediction_owner` when the
    prediction was served to another caller (only that caller, or an admin, may report its outcome).
    Needs scope `predict`.

    Args:
        body (FeedbackRequest): The actual outcome for a prediction served earlier.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | FeedbackReceipt]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: FeedbackRequest,
) -> ErrorBody | FeedbackReceipt | None:
    """Report what the customer actually did

     Stores the real outcome (`comprou_produto`) of a prediction served earlier, identified by the
    `prediction_id` of its answer. The outcome feeds live accuracy, A/B test results and, as a labelled
    row, the next training run. Predictions are stored within about 0.2 s of being answered: an outcome
    sent sooner may get 404 and can be retried. 404 for an unknown `prediction_id`; 409 when that
    prediction already has an outcome (outcomes are final); 403 `not_prediction_owner` when the
    prediction was served to another caller (only that caller, or an admin, may report its outcome).
    Needs scope `predict`.

    Args:
        body (FeedbackRequest): The actual outcome for a prediction served earlier.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | FeedbackReceipt
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
