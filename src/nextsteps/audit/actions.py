"""Every action the audit log records: one name each, so a typo cannot write a new kind.

A service passes a member to `audit_write`; a value built at run time (`AuditAction(f"…")`)
must be one of these or it raises `ValueError` before anything is written. The log stores
the value (the text after each `=`), so renaming a member changes no stored row; changing a
value would orphan the rows already written with it."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    # account
    ACCOUNT_TWO_FACTOR_ENABLE = "account.two_factor_enable"
    # api_token
    API_TOKEN_CREATE = "api_token.create"  # noqa: S105 (an action's name, not a secret)
    API_TOKEN_REVOKE = "api_token.revoke"  # noqa: S105
    # assessment
    ASSESSMENT_CREATE = "assessment.create"
    ASSESSMENT_JUDGEMENTS = "assessment.judgements"
    ASSESSMENT_QUESTIONS = "assessment.questions"
    ASSESSMENT_UPDATE = "assessment.update"
    # assessment_point
    ASSESSMENT_POINT_CREATE = "assessment_point.create"
    ASSESSMENT_POINT_LOCK = "assessment_point.lock"
    # attempt
    ATTEMPT_RECORD = "attempt.record"
    # attendance
    ATTENDANCE_IMPORT = "attendance.import"
    # challenge
    CHALLENGE_CREATE = "challenge.create"
    # cj_comparison
    CJ_COMPARISON_RECORD = "cj_comparison.record"
    # cj_script
    CJ_SCRIPT_ADD = "cj_script.add"
    # cj_scripts
    CJ_SCRIPTS_ANCHORS = "cj_scripts.anchors"
    CJ_SCRIPTS_FROM_EVIDENCE = "cj_scripts.from_evidence"
    CJ_SCRIPTS_FROM_EXEMPLARS = "cj_scripts.from_exemplars"
    CJ_SCRIPTS_UPLOAD = "cj_scripts.upload"
    # cj_session
    CJ_SESSION_APPLY_RESULTS = "cj_session.apply_results"
    CJ_SESSION_CLOSED = "cj_session.closed"
    CJ_SESSION_CREATE = "cj_session.create"
    CJ_SESSION_JUDGES = "cj_session.judges"
    CJ_SESSION_OPEN = "cj_session.open"
    # class_feedback
    CLASS_FEEDBACK_GIVE = "class_feedback.give"
    # conversation
    CONVERSATION_RECORD = "conversation.record"
    # ctf
    CTF_IMPORT = "ctf.import"
    # exemplar
    EXEMPLAR_ADD = "exemplar.add"
    # feedback
    FEEDBACK_ACKNOWLEDGE = "feedback.acknowledge"
    FEEDBACK_GIVE = "feedback.give"
    FEEDBACK_PARENT_REPLIES = "feedback.parent_replies"
    FEEDBACK_VERBAL = "feedback.verbal"
    # framework
    FRAMEWORK_IMPORT = "framework.import"
    # guardian
    GUARDIAN_LINK = "guardian.link"
    GUARDIAN_LINK_END = "guardian.link.end"
    # intentions
    INTENTIONS_SHARE = "intentions.share"
    # judgement
    JUDGEMENT_CORRECTION = "judgement.correction"
    JUDGEMENT_RECORD = "judgement.record"
    JUDGEMENT_WITHDRAWAL = "judgement.withdrawal"
    # mark
    MARK_CLEAR = "mark.clear"
    MARK_SET = "mark.set"
    # marking_code
    MARKING_CODE_CREATE = "marking_code.create"
    MARKING_CODE_UPDATE = "marking_code.update"
    # marks
    MARKS_API = "marks.api"
    MARKS_DEMO = "marks.demo"
    MARKS_IMPORT = "marks.import"
    MARKS_SAVE = "marks.save"
    MARKS_UPLOAD = "marks.upload"
    # media_note
    MEDIA_NOTE_ADD = "media_note.add"
    # membership
    MEMBERSHIP_GRANT = "membership.grant"
    # moderation_item
    MODERATION_ITEM_ATTACH = "moderation_item.attach"
    # moderation_outcome
    MODERATION_OUTCOME_OVERRIDE = "moderation_outcome.override"
    MODERATION_OUTCOME_RECORD = "moderation_outcome.record"
    # moderation_rating
    MODERATION_RATING_RECORD = "moderation_rating.record"
    # moderation_session
    MODERATION_SESSION_CLOSE = "moderation_session.close"
    MODERATION_SESSION_CREATE = "moderation_session.create"
    # mtc
    MTC_ARRANGEMENTS_SET = "mtc.arrangements.set"
    MTC_PRACTICE_START = "mtc.practice.start"
    MTC_PRACTICE_SUBMIT = "mtc.practice.submit"
    # notifications
    NOTIFICATIONS_EMAIL_DIGEST = "notifications.email_digest"
    # oneroster
    ONEROSTER_IMPORT = "oneroster.import"
    # parent
    PARENT_AT_HOME = "parent.at_home"
    PARENT_REPLY = "parent.reply"
    PARENT_TIP_TRIED = "parent.tip_tried"
    # planning
    PLANNING_FOCUS_GROUP_CREATE = "planning.focus_group.create"
    PLANNING_INTENTION_ADD = "planning.intention.add"
    PLANNING_INTENTION_DELETE = "planning.intention.delete"
    PLANNING_INTENTION_STEPS = "planning.intention.steps"
    PLANNING_LESSON_CREATE = "planning.lesson.create"
    PLANNING_NEXT_STEPS_CREATE = "planning.next_steps.create"
    PLANNING_UNIT_CREATE = "planning.unit.create"
    PLANNING_UNIT_UPDATE = "planning.unit.update"
    # policy
    POLICY_CONFIGURE_ASSESSMENT_POINTS = "policy.configure.assessment_points"
    POLICY_CONFIGURE_FRAMEWORK = "policy.configure.framework"
    POLICY_CONFIGURE_MARKING = "policy.configure.marking"
    POLICY_DECISION_RECORD = "policy.decision.record"
    POLICY_DEPARTMENT_SETTINGS_UPDATE = "policy.department_settings.update"
    POLICY_PUBLISH = "policy.publish"
    POLICY_QUESTION_CREATE = "policy.question.create"
    POLICY_QUESTION_UPDATE = "policy.question.update"
    POLICY_QUESTIONS_SEED = "policy.questions.seed"
    POLICY_RESPONSE_AGREE = "policy.response.agree"
    POLICY_RESPONSE_COMMENT = "policy.response.comment"
    POLICY_RESPONSE_REQUEST_CHANGES = "policy.response.request_changes"
    POLICY_RESPONSE_SAVE = "policy.response.save"
    POLICY_RESPONSE_SUBMIT = "policy.response.submit"
    POLICY_REVIEW_COMPLETE = "policy.review.complete"
    POLICY_REVIEW_SCHEDULE = "policy.review.schedule"
    POLICY_SETTINGS_UPDATE = "policy.settings.update"
    # progress
    PROGRESS_KS2_WRITING_RECORD = "progress.ks2_writing_record"
    PROGRESS_KS4_MODEL_ADOPT = "progress.ks4_model_adopt"
    PROGRESS_KS4_MODEL_ADOPTION_REMOVE = "progress.ks4_model_adoption_remove"
    PROGRESS_PLANNED_OPTIONS_LOAD = "progress.planned_options_load"
    PROGRESS_PROXY_BASELINE_LOAD = "progress.proxy_baseline_load"
    PROGRESS_PROXY_BASELINE_REMOVE = "progress.proxy_baseline_remove"
    PROGRESS_RESULTS_IMPORT = "progress.results_import"
    PROGRESS_TABLE_LOAD = "progress.table_load"
    PROGRESS_TRUST_ESTIMATES = "progress.trust_estimates"
    # pupil
    PUPIL_CARDS_ISSUE = "pupil.cards_issue"
    PUPIL_CREATE = "pupil.create"
    PUPIL_ERASE = "pupil.erase"
    PUPIL_EXPORT = "pupil.export"
    PUPIL_UPDATE = "pupil.update"
    PUPIL_VIEW = "pupil.view"
    # question
    QUESTION_RECORD = "question.record"
    # report
    REPORT_CREATE = "report.create"
    REPORT_RELEASE = "report.release"
    REPORT_UPDATE = "report.update"
    # report_batch
    REPORT_BATCH_START = "report_batch.start"
    # report_settings
    REPORT_SETTINGS_LOGO = "report_settings.logo"
    REPORT_SETTINGS_LOGO_REMOVE = "report_settings.logo_remove"
    REPORT_SETTINGS_SECTIONS = "report_settings.sections"
    # retention
    RETENTION_RUN = "retention.run"
    # review
    REVIEW_WRITE = "review.write"
    # school
    SCHOOL_CREATE = "school.create"
    # schools
    SCHOOLS_REGISTER_IMPORT = "schools.register_import"
    # score_table
    SCORE_TABLE_BANDS = "score_table.bands"
    SCORE_TABLE_LOAD = "score_table.load"
    # security
    SECURITY_SETTINGS_UPDATE = "security.settings_update"
    # self_assessment
    SELF_ASSESSMENT_RECORD = "self_assessment.record"
    # spreadsheet
    SPREADSHEET_IMPORT_CLASSES = "spreadsheet.import_classes"
    SPREADSHEET_IMPORT_ENROLMENTS = "spreadsheet.import_enrolments"
    SPREADSHEET_IMPORT_MARKS = "spreadsheet.import_marks"
    SPREADSHEET_IMPORT_PUPILS = "spreadsheet.import_pupils"
    # standardisation_rating
    STANDARDISATION_RATING_RECORD = "standardisation_rating.record"
    # statutory
    STATUTORY_BASELINE_RECORD = "statutory.baseline_record"
    STATUTORY_MTC_RECORD = "statutory.mtc_record"
    STATUTORY_PHONICS_RECORD = "statutory.phonics_record"
    STATUTORY_PHONICS_THRESHOLD = "statutory.phonics_threshold"
    STATUTORY_PHONICS_WORDS = "statutory.phonics_words"
    # target
    TARGET_CLAIM = "target.claim"
    TARGET_CONFIRM = "target.confirm"
    TARGET_RETURN = "target.return"
    TARGET_SET = "target.set"
    TARGET_UPDATE = "target.update"
    # thresholds
    THRESHOLDS_SAVE = "thresholds.save"
    # wonde
    WONDE_SYNC = "wonde.sync"
    # work
    WORK_FINAL = "work.final"
    WORK_SET = "work.set"
    WORK_VERSION = "work.version"
    # writing
    WRITING_JUDGEMENT_RECORD = "writing.judgement_record"
    WRITING_PIECE_LINK = "writing.piece_link"
    WRITING_PIECE_RECORD = "writing.piece_record"
    WRITING_STATEMENTS_IMPORT = "writing.statements_import"
    WRITING_WEAKNESS_RECORD = "writing.weakness_record"
    WRITING_WEAKNESS_WITHDRAW = "writing.weakness_withdraw"
