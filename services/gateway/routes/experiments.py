"""A/B test and shadow deployment routes (admin), forwarded to the training service."""

from fastapi import APIRouter, Response

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import ADMIN_LIMIT, AdminCaller, TrainingDep
from shared.errors import responses
from shared.schemas_experiments import (
    ExperimentResults,
    ExperimentView,
    PromoteChallengerRequest,
    PromoteChallengerResponse,
    StartExperimentRequest,
)

PATH = "/v1/experiments/ab"
_UPSTREAM = (429, 502, 503, 504)


_JSON = {"Content-Type": "application/json"}


def build_router(settings: GatewaySettings) -> APIRouter:
    """Start, read, stop and conclude experiments; limited per admin."""
    router = APIRouter(tags=["experiments"], dependencies=[ADMIN_LIMIT])

    @router.put(
        PATH,
        status_code=201,
        response_model=ExperimentView,
        summary="Start an A/B test or a shadow deployment",
        description="Gives registry version `challenger_version` the alias `challenger` and "
        "records the experiment. Mode `ab` sends the share `traffic` (0 < traffic < 1) of "
        "customers to the challenger; the variant is fixed per `customer_id` (or per caller) "
        "for the whole experiment, on every replica. Mode `shadow` keeps production answering "
        "everyone while the challenger scores every request afterwards, unseen. Replicas apply "
        "it within their reload interval. 404 when the version is not registered; 409 when it "
        "is the production version, no production model exists, or an experiment is already "
        "running (end it first: one at a time). Needs scope `admin`.",
        responses=responses(400, 401, 403, 404, 409, 422, *_UPSTREAM),
    )
    async def start(
        body: StartExperimentRequest,
        caller: AdminCaller,
        training: TrainingDep,
    ) -> Response:
        return await training.relay(
            "PUT",
            PATH,
            ExperimentView,
            status_code=201,
            content=body.model_dump_json(exclude_none=True),
            headers=_JSON,
            **caller.named(),
        )

    @router.get(
        PATH,
        response_model=ExperimentResults,
        summary="Experiment results",
        description="Results of the running experiment (or of the last one): per variant the "
        "predictions served and their realised share, outcomes received, accuracy and "
        "conversion rate; challenger-minus-production differences with a confidence interval "
        "and a two-proportion z-test p-value; the outcomes each variant still needs to detect "
        "the configured minimum effect; and a recommendation: `promote`, `keep` or "
        "`not_enough_data`. In shadow mode both models are compared on the same requests. "
        "404 when no experiment ever ran. Needs scope `admin`.",
        responses=responses(401, 403, 404, *_UPSTREAM),
    )
    async def results(caller: AdminCaller, training: TrainingDep) -> Response:
        return await training.relay("GET", PATH, ExperimentResults, headers=_JSON, **caller.named())

    @router.delete(
        PATH,
        response_model=ExperimentView,
        summary="End the experiment",
        description="Ends the running experiment (outcome `stopped`) and removes the "
        "`challenger` alias; production answers everyone again once replicas reload. Its "
        "results stay readable with GET. 404 when none is running. Needs scope `admin`.",
        responses=responses(401, 403, 404, *_UPSTREAM),
    )
    async def stop(caller: AdminCaller, training: TrainingDep) -> Response:
        return await training.relay("DELETE", PATH, ExperimentView, headers=_JSON, **caller.named())

    @router.post(
        f"{PATH}/promote",
        response_model=PromoteChallengerResponse,
        summary="Conclude: promote the challenger",
        description="Promotes the challenger to production through the same path as "
        "`POST /v1/models/{version}/promote` (promotion gate unless `force`, audit trail, "
        "undone with `POST /v1/models/rollback`), then ends the experiment with outcome "
        "`promoted`. The answer carries the final results. 404 when no experiment runs; 409 "
        "when the promotion gate refuses. Needs scope `admin`.",
        responses=responses(400, 401, 403, 404, 409, 422, *_UPSTREAM),
    )
    async def promote(
        body: PromoteChallengerRequest,
        caller: AdminCaller,
        training: TrainingDep,
    ) -> Response:
        return await training.relay(
            "POST",
            f"{PATH}/promote",
            PromoteChallengerResponse,
            content=body.model_dump_json(),
            headers=_JSON,
            **caller.named(),
        )

    return router
