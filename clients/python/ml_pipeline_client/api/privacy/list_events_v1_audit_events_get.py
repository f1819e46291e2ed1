import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_event_list import AuditEventList
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditEventList | ErrorBody | None:
    if response.status_code == 200:
        response_200 = AuditEventList.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditEventList | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[AuditEventList | ErrorBody]:
    """Who did what, when

     The append-only audit log, newest first: sign-ins (successful and failed), user changes, ingest,
    outcomes, training jobs, promotions and rollbacks, experiments, access exports, erasures and
    retention runs. Each event names the actor (a user, or a service acting on its own), the action, its
    object, the outcome and the request id. Filter by `actor`, by `action` (exact, or a prefix such as
    `customer.*`) and by `since`; `limit` 1–1000 (default 100). Needs scope `admin`.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventList | ErrorBody]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        since=since,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 100,
) -> AuditEventList | ErrorBody | None:
    """Who did what, when

     The append-only audit log, newest first: sign-ins (successful and failed), user changes, ingest,
    outcomes, training jobs, promotions and rollbacks, experiments, access exports, erasures and
    retention runs. Each event names the actor (a user, or a service acting on its own), the action, its
    object, the outcome and the request id. Filter by `actor`, by `action` (exact, or a prefix such as
    `customer.*`) and by `since`; `limit` 1–1000 (default 100). Needs scope `admin`.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventList | ErrorBody
    """

    return sync_detailed(
        client=client,
        actor=actor,
        action=action,
        since=since,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[AuditEventList | ErrorBody]:
    """Who did what, when

     The append-only audit log, newest first: sign-ins (successful and failed), user changes, ingest,
    outcomes, training jobs, promotions and rollbacks, experiments, access exports, erasures and
    retention runs. Each event names the actor (a user, or a service acting on its own), the action, its
    object, the outcome and the request id. Filter by `actor`, by `action` (exact, or a prefix such as
    `customer.*`) and by `since`; `limit` 1–1000 (default 100). Needs scope `admin`.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventList | ErrorBody]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        since=since,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 100,
) -> AuditEventList | ErrorBody | None:
    """Who did what, when

     The append-only audit log, newest first: sign-ins (successful and failed), user changes, ingest,
    outcomes, training jobs, promotions and rollbacks, experiments, access exports, erasures and
    retention runs. Each event names the actor (a user, or a service acting on its own), the action, its
    object, the outcome and the request id. Filter by `actor`, by `action` (exact, or a prefix such as
    `customer.*`) and by `since`; `limit` 1–1000 (default 100). Needs scope `admin`.

    Args:
        actor (None | str | Unset):
        action (None | str | Unset):
        since (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventList | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            action=action,
            since=since,
            limit=limit,
        )
    ).parsed
