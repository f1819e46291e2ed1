from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.drift_check_request import DriftCheckRequest
from ...models.drift_report import DriftReport
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: DriftCheckRequest | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/drift/checks",
    }

    if isinstance(body, DriftCheckRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DriftReport | ErrorBody | None:
    if response.status_code == 200:
        response_200 = DriftReport.from_dict(response.json())

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
) -> Response[DriftReport | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DriftCheckRequest | None | Unset = UNSET,
) -> Response[DriftReport | ErrorBody]:
    """Run a drift check now

     Runs a drift check now on the production model and returns its report (also stored, see
    `GET /v1/drift/reports`).

    **Window**: the newest `window.last_n` served predictions, those since `window.since`, or the
    newest `last_n` of those since `since`; without `window`, the service default (newest 10,000).
    Shadow predictions never count. Windows are capped at the service's maximum (default
    1,000,000 newest rows; no random sampling).

    **Tests**: each input feature (`idade`, `renda_anual`) and the predicted probability are
    compared with the reference sample logged when the production version was trained: a
    two-sample Kolmogorov–Smirnov test (chi-square for categorical columns) plus an effect size
    (Wasserstein distance divided by the reference standard deviation; PSI for categorical). A
    column drifts when its p-value is below `alpha / number_of_columns` (default alpha 0.05)
    **and** its effect size is above its threshold (default 0.1; PSI 0.2). Fewer than 200 rows
    on either side gives `insufficient_data` for that column.

    **Live performance**: accuracy and ROC AUC of the served decisions that received feedback in
    the window; below the accuracy floor (default 0.85, with at least 200 outcomes) is `degraded`.

    **Verdict**: `degraded`, else `drift`, else `insufficient_data`, else `no_drift`.
    **Action**: on `drift` or `degraded` (and `trigger` not false) training is asked for a new
    model: `training_requested`, `training_busy` (a job is already queued or running),
    `training_unavailable`, or `cooldown` when a training request was made recently (default
    1 hour). `no_reference` when the production version has no reference sample. Needs scope
    `admin`.

    Args:
        body (DriftCheckRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DriftReport | ErrorBody]
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
    body: DriftCheckRequest | None | Unset = UNSET,
) -> DriftReport | ErrorBody | None:
    """Run a drift check now

     Runs a drift check now on the production model and returns its report (also stored, see
    `GET /v1/drift/reports`).

    **Window**: the newest `window.last_n` served predictions, those since `window.since`, or the
    newest `last_n` of those since `since`; without `window`, the service default (newest 10,000).
    Shadow predictions never count. Windows are capped at the service's maximum (default
    1,000,000 newest rows; no random sampling).

    **Tests**: each input feature (`idade`, `renda_anual`) and the predicted probability are
    compared with the reference sample logged when the production version was trained: a
    two-sample Kolmogorov–Smirnov test (chi-square for categorical columns) plus an effect size
    (Wasserstein distance divided by the reference standard deviation; PSI for categorical). A
    column drifts when its p-value is below `alpha / number_of_columns` (default alpha 0.05)
    **and** its effect size is above its threshold (default 0.1; PSI 0.2). Fewer than 200 rows
    on either side gives `insufficient_data` for that column.

    **Live performance**: accuracy and ROC AUC of the served decisions that received feedback in
    the window; below the accuracy floor (default 0.85, with at least 200 outcomes) is `degraded`.

    **Verdict**: `degraded`, else `drift`, else `insufficient_data`, else `no_drift`.
    **Action**: on `drift` or `degraded` (and `trigger` not false) training is asked for a new
    model: `training_requested`, `training_busy` (a job is already queued or running),
    `training_unavailable`, or `cooldown` when a training request was made recently (default
    1 hour). `no_reference` when the production version has no reference sample. Needs scope
    `admin`.

    Args:
        body (DriftCheckRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DriftReport | ErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DriftCheckRequest | None | Unset = UNSET,
) -> Response[DriftReport | ErrorBody]:
    """Run a drift check now

     Runs a drift check now on the production model and returns its report (also stored, see
    `GET /v1/drift/reports`).

    **Window**: the newest `window.last_n` served predictions, those since `window.since`, or the
    newest `last_n` of those since `since`; without `window`, the service default (newest 10,000).
    Shadow predictions never count. Windows are capped at the service's maximum (default
    1,000,000 newest rows; no random sampling).

    **Tests**: each input feature (`idade`, `renda_anual`) and the predicted probability are
    compared with the reference sample logged when the production version was trained: a
    two-sample Kolmogorov–Smirnov test (chi-square for categorical columns) plus an effect size
    (Wasserstein distance divided by the reference standard deviation; PSI for categorical). A
    column drifts when its p-value is below `alpha / number_of_columns` (default alpha 0.05)
    **and** its effect size is above its threshold (default 0.1; PSI 0.2). Fewer than 200 rows
    on either side gives `insufficient_data` for that column.

    **Live performance**: accuracy and ROC AUC of the served decisions that received feedback in
    the window; below the accuracy floor (default 0.85, with at least 200 outcomes) is `degraded`.

    **Verdict**: `degraded`, else `drift`, else `insufficient_data`, else `no_drift`.
    **Action**: on `drift` or `degraded` (and `trigger` not false) training is asked for a new
    model: `training_requested`, `training_busy` (a job is already queued or running),
    `training_unavailable`, or `cooldown` when a training request was made recently (default
    1 hour). `no_reference` when the production version has no reference sample. Needs scope
    `admin`.

    Args:
        body (DriftCheckRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DriftReport | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DriftCheckRequest | None | Unset = UNSET,
) -> DriftReport | ErrorBody | None:
    """Run a drift check now

     Runs a drift check now on the production model and returns its report (also stored, see
    `GET /v1/drift/reports`).

    **Window**: the newest `window.last_n` served predictions, those since `window.since`, or the
    newest `last_n` of those since `since`; without `window`, the service default (newest 10,000).
    Shadow predictions never count. Windows are capped at the service's maximum (default
    1,000,000 newest rows; no random sampling).

    **Tests**: each input feature (`idade`, `renda_anual`) and the predicted probability are
    compared with the reference sample logged when the production version was trained: a
    two-sample Kolmogorov–Smirnov test (chi-square for categorical columns) plus an effect size
    (Wasserstein distance divided by the reference standard deviation; PSI for categorical). A
    column drifts when its p-value is below `alpha / number_of_columns` (default alpha 0.05)
    **and** its effect size is above its threshold (default 0.1; PSI 0.2). Fewer than 200 rows
    on either side gives `insufficient_data` for that column.

    **Live performance**: accuracy and ROC AUC of the served decisions that received feedback in
    the window; below the accuracy floor (default 0.85, with at least 200 outcomes) is `degraded`.

    **Verdict**: `degraded`, else `drift`, else `insufficient_data`, else `no_drift`.
    **Action**: on `drift` or `degraded` (and `trigger` not false) training is asked for a new
    model: `training_requested`, `training_busy` (a job is already queued or running),
    `training_unavailable`, or `cooldown` when a training request was made recently (default
    1 hour). `no_reference` when the production version has no reference sample. Needs scope
    `admin`.

    Args:
        body (DriftCheckRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DriftReport | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
