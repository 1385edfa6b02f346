"""One exception taxonomy for broken machinery and unusable input.

A bad *submission* (missing material, wrong field) is a verdict, never an
exception. These are for input that cannot be judged at all and for failures
of the machinery; each class carries its CLI exit code and HTTP status, and a
Chinese message a clerk can read.
"""

from __future__ import annotations


class IntakeError(Exception):
    """Base class; `message` is shown to people, `exit_code`/`http_status` map it."""

    exit_code = 1
    http_status = 500
    message_zh = "处理失败"

    def __init__(self, detail: str = "", **context: object) -> None:
        self.detail = detail
        self.context = context
        super().__init__(detail or self.message_zh)

    def __str__(self) -> str:
        return f"{self.message_zh}：{self.detail}" if self.detail else self.message_zh


class UnusableInput(IntakeError):
    """Input that cannot be judged: no such bundle, unreadable application.json."""

    exit_code = 2
    http_status = 400
    message_zh = "输入无法使用"


class BundleNotFound(UnusableInput):
    message_zh = "申请材料目录不存在"


class BadApplication(UnusableInput):
    message_zh = "application.json 无法读取或格式不正确"


class UnknownService(UnusableInput):
    http_status = 422
    message_zh = "无法确定办理事项"


class AmbiguousService(UnknownService):
    message_zh = "事项名称不唯一，请使用事项编码或“分类/事项名称”"


class FileRejected(IntakeError):
    """A single uploaded file that cannot be read; reported as a finding, not fatal."""

    exit_code = 2
    http_status = 422
    message_zh = "文件无法读取"


class UnsupportedFile(FileRejected):
    message_zh = "不支持的文件格式"


class LimitExceeded(FileRejected):
    http_status = 413
    message_zh = "文件超过大小、像素或页数限制"


class ModelsMissing(IntakeError):
    """OCR models are not installed; the message says how to fix it."""

    exit_code = 3
    http_status = 503
    message_zh = "OCR 模型缺失"


class RulesError(IntakeError):
    """The rules catalogue is invalid; names file and field."""

    exit_code = 4
    http_status = 500
    message_zh = "规则目录有误"


class StorageError(IntakeError):
    exit_code = 5
    http_status = 503
    message_zh = "存储不可用"


class NotFound(IntakeError):
    exit_code = 2
    http_status = 404
    message_zh = "未找到"


class Forbidden(IntakeError):
    exit_code = 2
    http_status = 403
    message_zh = "无权访问"


class Unauthorized(IntakeError):
    """No or unknown API key."""

    exit_code = 2
    http_status = 401
    message_zh = "未认证"


class NotReady(IntakeError):
    """The verdict asked for is still being produced."""

    exit_code = 1
    http_status = 409
    message_zh = "尚未完成"


class IdempotencyConflict(IntakeError):
    """The same Idempotency-Key with different files: a client bug, never a silent merge."""

    exit_code = 2
    http_status = 409
    message_zh = "幂等键冲突"


class AuditChainBroken(IntakeError):
    exit_code = 6
    http_status = 500
    message_zh = "审计日志校验失败"
