from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.new_training_job import NewTrainingJob
from ...models.training_job_accepted import TrainingJobAccepted
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NewTrainingJob | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/training/jobs",
    }

    if isinstance(body, NewTrainingJob):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TrainingJobAccepted | None:
    if response.status_code == 202:
        response_202 = TrainingJobAccepted.from_dict(response.json())

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
) -> Response[ErrorBody | TrainingJobAccepted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NewTrainingJob | None | Unset = UNSET,
) -> Response[ErrorBody | TrainingJobAccepted]:
    """Start a training job

     Queues a retraining on the labelled rows of the feature table (optionally only those observed in
    `[since, until)`) and answers at once with the job id; follow it with `GET
    /v1/training/jobs/{job_id}`. The job validates data quality, cross-validates the candidate model
    families, scores the best one and the current production model on the same holdout, registers the
    new version in MLflow and promotes it only if it passes the gate. One job at a time: while one is
    queued or running the answer is 409 `training_in_progress` with its id in `details.job_id`. Needs
    scope `admin`.

    Args:
        body (NewTrainingJob | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TrainingJobAccepted]
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
    body: NewTrainingJob | None | Unset = UNSET,
) -> ErrorBody | TrainingJobAccepted | None:
    """Start a training job

     Queues a retraining on the labelled rows of the feature table (optionally only those observed in
    `[since, until)`) and answers at once with the job id; follow it with `GET
    /v1/training/jobs/{job_id}`. The job validates data quality, cross-validates the candidate model
    families, scores the best one and the current production model on the same holdout, registers the
    new version in MLflow and promotes it only if it passes the gate. One job at a time: while one is
    queued or running the answer is 409 `training_in_progress` with its id in `details.job_id`. Needs
    scope `admin`.

    Args:
        body (NewTrainingJob | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TrainingJobAccepted
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NewTrainingJob | None | Unset = UNSET,
) -> Response[ErrorBody | TrainingJobAccepted]:
    """Start a training job

     Queues a retraining on the labelled rows of the feature table (optionally only those observed in
    `[since, until)`) and answers at once with the job id; follow it with `GET
    /v1/training/jobs/{job_id}`. The job validates data quality, cross-validates the candidate model
    families, scores the best one and the current production model on the same holdout, registers the
    new version in MLflow and promotes it only if it passes the gate. One job at a time: while one is
    queued or running the answer is 409 `training_in_progress` with its id in `details.job_id`. Needs
    scope `admin`.

    Args:
        body (NewTrainingJob | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TrainingJobAccepted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: NewTrainingJob | None | Unset = UNSET,
) -> ErrorBody | TrainingJobAccepted | None:
    """Start a training job

     Queues a retraining on the labelled rows of the feature table (optionally only those observed in
    `[since, until)`) and answers at once with the job id; follow it with `GET
    /v1/training/jobs/{job_id}`. The job validates data quality, cross-validates the candidate model
    families, scores the best one and the current production model on the same holdout, registers the
    new version in MLflow and promotes it only if it passes the gate. One job at a time: while one is
    queued or running the answer is 409 `training_in_progress` with its id in `details.job_id`. Needs
    scope `admin`.

    Args:
        body (NewTrainingJob | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TrainingJobAccepted
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
