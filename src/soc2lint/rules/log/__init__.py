"""LOG rules: logging and monitoring (see ../shared/RULES.md).

CloudTrail (LOG001-LOG007), network, load balancer, bucket, database,
Kubernetes, API and CDN logs (LOG008-LOG016), detection services
(LOG017-LOG019) and alarms (LOG020-LOG021).  Shared answers (which bucket a
trail writes to, which buckets are log destinations, which VPCs have flow
logs, how long a bucket keeps its logs) come from ``soc2lint.views.logging``.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .log001_cloudtrail_multi_region import cloudtrail_multi_region
from .log002_cloudtrail_log_validation import cloudtrail_log_validation
from .log003_cloudtrail_kms import cloudtrail_kms
from .log004_cloudtrail_bucket_versioned import cloudtrail_bucket_versioned
from .log005_cloudtrail_bucket_locked import cloudtrail_bucket_locked
from .log006_cloudtrail_to_cloudwatch import cloudtrail_to_cloudwatch
from .log007_cloudtrail_present import cloudtrail_present
from .log008_vpc_flow_logs import vpc_flow_logs
from .log009_log_retention_minimum import log_retention_minimum
from .log010_lb_access_logs import lb_access_logs
from .log011_s3_access_logging import s3_access_logging
from .log012_rds_log_exports import rds_log_exports
from .log013_eks_control_plane_logs import eks_control_plane_logs
from .log014_apigw_access_logs import apigw_access_logs
from .log015_apigw_data_trace import apigw_data_trace
from .log016_cloudfront_logging import cloudfront_logging
from .log017_guardduty_enabled import guardduty_enabled
from .log018_securityhub_enabled import securityhub_enabled
from .log019_access_analyzer_enabled import access_analyzer_enabled
from .log020_alarm_without_action import alarm_without_action
from .log021_security_alarms import security_alarms
from .log022_config_recorder import config_recorder

RULES: tuple[Rule, ...] = (
    cloudtrail_multi_region,
    cloudtrail_log_validation,
    cloudtrail_kms,
    cloudtrail_bucket_versioned,
    cloudtrail_bucket_locked,
    cloudtrail_to_cloudwatch,
    cloudtrail_present,
    vpc_flow_logs,
    log_retention_minimum,
    lb_access_logs,
    s3_access_logging,
    rds_log_exports,
    eks_control_plane_logs,
    apigw_access_logs,
    apigw_data_trace,
    cloudfront_logging,
    guardduty_enabled,
    securityhub_enabled,
    access_analyzer_enabled,
    alarm_without_action,
    security_alarms,
    config_recorder,
)
