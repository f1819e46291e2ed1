"""Contains all the data models used in inputs/outputs"""

from .audit_event_list import AuditEventList
from .audit_event_view import AuditEventView
from .audit_event_view_actor_type import AuditEventViewActorType
from .audit_event_view_details import AuditEventViewDetails
from .audit_event_view_outcome import AuditEventViewOutcome
from .batch_predict_request import BatchPredictRequest
from .batch_prediction_response import BatchPredictionResponse
from .body_token_auth_token_post import BodyTokenAuthTokenPost
from .challenger_promotion import ChallengerPromotion
from .column_statistics import ColumnStatistics
from .column_statistics_effect_metric import ColumnStatisticsEffectMetric
from .column_statistics_kind import ColumnStatisticsKind
from .column_statistics_test import ColumnStatisticsTest
from .column_statistics_verdict import ColumnStatisticsVerdict
from .comparison import Comparison
from .comparison_metric import ComparisonMetric
from .customer_data import CustomerData
from .drift_check_request import DriftCheckRequest
from .drift_report import DriftReport
from .drift_report_action import DriftReportAction
from .drift_report_details import DriftReportDetails
from .drift_report_features import DriftReportFeatures
from .drift_report_list import DriftReportList
from .drift_report_verdict import DriftReportVerdict
from .erasure_counts import ErasureCounts
from .erasure_report import ErasureReport
from .error_body import ErrorBody
from .error_detail import ErrorDetail
from .estimated_performance import EstimatedPerformance
from .estimated_performance_status import EstimatedPerformanceStatus
from .experiment_results import ExperimentResults
from .experiment_results_primary_metric import ExperimentResultsPrimaryMetric
from .experiment_results_recommendation import ExperimentResultsRecommendation
from .experiment_view import ExperimentView
from .experiment_view_mode import ExperimentViewMode
from .feedback_receipt import FeedbackReceipt
from .feedback_request import FeedbackRequest
from .histogram import Histogram
from .ingest_report import IngestReport
from .ingest_report_source import IngestReportSource
from .ingest_rows_request import IngestRowsRequest
from .ingest_rows_request_feature_row import IngestRowsRequestFeatureRow
from .ingest_rows_request_feature_row_comprou_produto_type_1 import IngestRowsRequestFeatureRowComprouProdutoType1
from .label_supply import LabelSupply
from .label_supply_snapshot import LabelSupplySnapshot
from .labelled_row import LabelledRow
from .live_health_live_get_response_live_health_live_get import LiveHealthLiveGetResponseLiveHealthLiveGet
from .live_performance import LivePerformance
from .live_performance_status import LivePerformanceStatus
from .model_ref import ModelRef
from .model_ref_variant import ModelRefVariant
from .models_response import ModelsResponse
from .new_training_job import NewTrainingJob
from .predict_request import PredictRequest
from .prediction_response import PredictionResponse
from .promote_challenger_request import PromoteChallengerRequest
from .promote_challenger_response import PromoteChallengerResponse
from .promote_request import PromoteRequest
from .promotion_response import PromotionResponse
from .promotion_response_action import PromotionResponseAction
from .rejection import Rejection
from .report_window import ReportWindow
from .rollback_request import RollbackRequest
from .sample_size import SampleSize
from .sample_size_metric import SampleSizeMetric
from .served_model import ServedModel
from .served_model_metrics import ServedModelMetrics
from .served_model_variant import ServedModelVariant
from .shadow_agreement import ShadowAgreement
from .should_retrain_request import ShouldRetrainRequest
from .should_retrain_response import ShouldRetrainResponse
from .should_retrain_response_verdict import ShouldRetrainResponseVerdict
from .start_experiment_request import StartExperimentRequest
from .start_experiment_request_mode import StartExperimentRequestMode
from .stored_feedback import StoredFeedback
from .stored_prediction import StoredPrediction
from .token_response import TokenResponse
from .training_job import TrainingJob
from .training_job_accepted import TrainingJobAccepted
from .training_job_list import TrainingJobList
from .training_job_metrics import TrainingJobMetrics
from .training_job_params import TrainingJobParams
from .training_job_stage_type_0 import TrainingJobStageType0
from .training_job_status import TrainingJobStatus
from .user_status import UserStatus
from .variant_results import VariantResults
from .variant_results_variant import VariantResultsVariant
from .window_request import WindowRequest

__all__ = (
    "AuditEventList",
    "AuditEventView",
    "AuditEventViewActorType",
    "AuditEventViewDetails",
    "AuditEventViewOutcome",
    "BatchPredictionResponse",
    "BatchPredictRequest",
    "BodyTokenAuthTokenPost",
    "ChallengerPromotion",
    "ColumnStatistics",
    "ColumnStatisticsEffectMetric",
    "ColumnStatisticsKind",
    "ColumnStatisticsTest",
    "ColumnStatisticsVerdict",
    "Comparison",
    "ComparisonMetric",
    "CustomerData",
    "DriftCheckRequest",
    "DriftReport",
    "DriftReportAction",
    "DriftReportDetails",
    "DriftReportFeatures",
    "DriftReportList",
    "DriftReportVerdict",
    "ErasureCounts",
    "ErasureReport",
    "ErrorBody",
    "ErrorDetail",
    "EstimatedPerformance",
    "EstimatedPerformanceStatus",
    "ExperimentResults",
    "ExperimentResultsPrimaryMetric",
    "ExperimentResultsRecommendation",
    "ExperimentView",
    "ExperimentViewMode",
    "FeedbackReceipt",
    "FeedbackRequest",
    "Histogram",
    "IngestReport",
    "IngestReportSource",
    "IngestRowsRequest",
    "IngestRowsRequestFeatureRow",
    "IngestRowsRequestFeatureRowComprouProdutoType1",
    "LabelledRow",
    "LabelSupply",
    "LabelSupplySnapshot",
    "LiveHealthLiveGetResponseLiveHealthLiveGet",
    "LivePerformance",
    "LivePerformanceStatus",
    "ModelRef",
    "ModelRefVariant",
    "ModelsResponse",
    "NewTrainingJob",
    "PredictionResponse",
    "PredictRequest",
    "PromoteChallengerRequest",
    "PromoteChallengerResponse",
    "PromoteRequest",
    "PromotionResponse",
    "PromotionResponseAction",
    "Rejection",
    "ReportWindow",
    "RollbackRequest",
    "SampleSize",
    "SampleSizeMetric",
    "ServedModel",
    "ServedModelMetrics",
    "ServedModelVariant",
    "ShadowAgreement",
    "ShouldRetrainRequest",
    "ShouldRetrainResponse",
    "ShouldRetrainResponseVerdict",
    "StartExperimentRequest",
    "StartExperimentRequestMode",
    "StoredFeedback",
    "StoredPrediction",
    "TokenResponse",
    "TrainingJob",
    "TrainingJobAccepted",
    "TrainingJobList",
    "TrainingJobMetrics",
    "TrainingJobParams",
    "TrainingJobStageType0",
    "TrainingJobStatus",
    "UserStatus",
    "VariantResults",
    "VariantResultsVariant",
    "WindowRequest",
)
