"""Not understood: questions grouped by normalized text, each one click from becoming training data."""
from __future__ import annotations

from bot.admin import audit, filters
from bot.admin.errors import BadRequest
from bot.admin.learned import ExampleRefused, add_example, known_examples, learned_topics
from bot.admin.messages import message
from bot.admin.normalize import normalize
from bot.admin.queries.unknown import content_gaps, groups, topic_choices
from bot.admin.web import Ctx, page
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE
from nlu.intents import procedure_intent, topic_intent

TEACHERS = (ROLE_PROVINCE, ROLE_COMMUNE)


@page()
def unknown_page(ctx: Ctx):
    filters.only(ctx.params, {"period", "added", "status"})
    period, since = filters.period(ctx.params, ctx.now, default="30")
    catalog = ctx.services.catalog
    learned = learned_topics(ctx.admin.learned_path)
    by_intent = {topic_intent(t.id): t for t in catalog}
    rows, read = groups(ctx.session, ctx.scope, since, learned)
    procedures = {procedure_intent(p.id): p for p in catalog.procedures.values()}
    return ctx.render("unknown.html", groups=rows, read=read, period=period, periods=filters.PERIODS,
                      gaps=content_gaps(ctx.session, ctx.scope, since, procedures), procedures=procedures,
                      choices=topic_choices(ctx.session, ctx.scope, since, learned),
                      catalog=catalog, by_intent=by_intent, threshold=ctx.services.settings.nlu_confidence,
                      can_teach=ctx.user.role in TEACHERS,
                      added=filters.text(ctx.params, "added", 300), learn_status=filters.text(ctx.params, "status", 20))


@page(*TEACHERS)
def learn(ctx: Ctx):
    catalog = ctx.services.catalog
    topic_id = str(ctx.posted.get("topic") or "")
    if topic_id not in catalog.topics:
        raise BadRequest(message("unknown.topic_required"))
    text = str(ctx.posted.get("text") or "")
    period = str(ctx.posted.get("period") or "30")
    if period not in filters.PERIODS:
        period = "30"
    path = ctx.admin.learned_path
    try:
        result = add_example(path, topic_id, text, known_examples(catalog, path.parent, exclude=path))
    except ExampleRefused as refused:
        raise BadRequest(str(refused)) from None
    ctx.audit(audit.LEARN_EXAMPLE, topic_id, status=result.status, intent=result.intent,
              previous=result.previous_intent, normalized=normalize(result.text))
    return ctx.redirect("/unknown", period=period, added=result.text, status=result.status)
