"""Score customers with the generated Python client: sign in, predict, send feedback.

    pip install ./clients/python
    GATEWAY_URL=http://127.0.0.1:8000 API_USERNAME=admin API_PASSWORD=... \
        python examples/python_client.py

Handles what an integrator meets in production: 401 (token expired or revoked: sign in again,
once), 422 (the request is wrong: report the offending fields, never retry) and 429 (wait the
`Retry-After` seconds the gateway asks for, then retry, a bounded number of times).
"""

import json
import os
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar
from uuid import UUID

from ml_pipeline_client import AuthenticatedClient, Client
from ml_pipeline_client.api.auth import token_auth_token_post
from ml_pipeline_client.api.predictions import feedback_v1_feedback_post, predict_v1_predict_post
from ml_pipeline_client.models import (
    BodyTokenAuthTokenPost,
    ErrorBody,
    FeedbackReceipt,
    FeedbackRequest,
    PredictionResponse,
    PredictRequest,
    TokenResponse,
)
from ml_pipeline_client.types import Response

T = TypeVar("T")


class RequestRejected(Exception):
    """The gateway refused the request itself (4xx other than 401/429): fix it, don't retry."""

    def __init__(self, status: int, error: ErrorBody | None) -> None:
        self.status = status
        self.error = error
        message = error.error.message if error else "no error body"
        super().__init__(f"{status}: {message}")

    @property
    def fields(self) -> list[str]:
        """The fields a 422 names in `details`."""
        details = self.error.error.details if self.error else None
        return [d.get("field", "?") for d in details] if isinstance(details, list) else []


class ScoringSession:
    """A signed-in caller of the scoring API that renews its token and respects rate limits."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        max_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url
        self._credentials = BodyTokenAuthTokenPost(
            username=username, password=password, scope="predict"
        )
        self.max_attempts = max_attempts
        self._sleep = sleep
        self.sign_ins = 0
        self.waited_s = 0.0
        self.client = self._sign_in()

    def _sign_in(self) -> AuthenticatedClient:
        with Client(base_url=self.base_url, timeout=None) as anonymous:
            answer = token_auth_token_post.sync_detailed(client=anonymous, body=self._credentials)
        if not isinstance(answer.parsed, TokenResponse):
            raise RequestRejected(answer.status_code, _error(answer))
        self.sign_ins += 1
        return AuthenticatedClient(base_url=self.base_url, token=answer.parsed.access_token)

    def _call(self, request: Callable[[AuthenticatedClient], Response[Any]], ok: type[T]) -> T:
        renewed = False
        for _ in range(self.max_attempts):
            answer = request(self.client)
            if isinstance(answer.parsed, ok):
                return answer.parsed
            if answer.status_code == HTTPStatus.UNAUTHORIZED and not renewed:
                self.client, renewed = self._sign_in(), True
            elif answer.status_code == HTTPStatus.TOO_MANY_REQUESTS:
                delay = float(answer.headers.get("Retry-After", "1"))
                self.waited_s += delay
                self._sleep(delay)
            else:
                raise RequestRejected(answer.status_code, _error(answer))
        raise RequestRejected(answer.status_code, _error(answer))

    def score(self, idade: int, renda_anual: float) -> PredictionResponse:
        """The probability that this customer buys, and the model that said so."""
        body = PredictRequest(idade=idade, renda_anual=renda_anual)
        return self._call(
            lambda c: predict_v1_predict_post.sync_detailed(client=c, body=body),
            PredictionResponse,
        )

    def feedback(self, prediction_id: UUID, bought: bool) -> FeedbackReceipt:
        """Report what the customer actually did; predictions are stored within ~0.2 s."""
        body = FeedbackRequest(prediction_id=prediction_id, comprou_produto=bought)
        for _ in range(10):  # a 404 right after scoring means "not stored yet"
            try:
                return self._call(
                    lambda c: feedback_v1_feedback_post.sync_detailed(client=c, body=body),
                    FeedbackReceipt,
                )
            except RequestRejected as rejected:
                if rejected.status != HTTPStatus.NOT_FOUND:
                    raise
                self._sleep(0.2)
        raise RequestRejected(HTTPStatus.NOT_FOUND, None)


def _error(answer: Response[Any]) -> ErrorBody | None:
    return answer.parsed if isinstance(answer.parsed, ErrorBody) else None


def main() -> None:
    session = ScoringSession(
        os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000"),
        os.environ["API_USERNAME"],
        os.environ["API_PASSWORD"],
    )
    scored = session.score(idade=35, renda_anual=85_000.0)
    print(
        json.dumps(
            {
                "event": "scored",
                "probability": scored.probability,
                "model": scored.model.to_dict(),
                "prediction_id": str(scored.prediction_id),
            }
        )
    )
    receipt = session.feedback(scored.prediction_id, bought=True)
    print(json.dumps({"event": "feedback", "prediction_id": str(receipt.prediction_id)}))
    try:
        session.score(idade=17, renda_anual=85_000.0)
    except RequestRejected as rejected:
        print(
            json.dumps({"event": "rejected", "status": rejected.status, "fields": rejected.fields})
        )


if __name__ == "__main__":
    main()
