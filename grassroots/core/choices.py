from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "查看"
    CLERK = "clerk", "党务工作者（录入）"
    REVIEWER = "reviewer", "审核"
    ADMIN = "admin", "部门管理员"
    EVALUATOR = "evaluator", "第三方测评"


class Permission(models.TextChoices):
    VIEW = "view", "查看"
    ROSTER = "roster", "查看党员名册"
    EDIT = "edit", "录入和修改"
    APPROVE = "approve", "审批"
    PERSONAL_DATA = "personal_data", "查看身份证号和电话"
    MANAGE_USERS = "manage_users", "管理下级用户"
    EVALUATE = "evaluate", "录入测评结果"


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成"
