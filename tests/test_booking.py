"""Offer times: the coach offers 2–6 times to teachers, each teacher picks one through a private
link (no account); a time is taken once, even by two teachers pressing at the same moment
(on SQLite here, and on PostgreSQL when DATABASE_URL names one)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Coach, OfferLink, OfferSlot, Visit, utcnow
from app.schedule import offers, services
from app.teachers.services import add_teacher
from tests import helpers

TAKEN = "That time was just taken. Choose another."
NEW_YORK = "America/New_York"


@pytest.fixture
def second_teacher(app, coach) -> int:
    with app.app_context():
        return add_teacher(db.session.get(Coach, coach.coach_id), "Bea Second", None, None).id


def days_ahead(days: int) -> date:
    return (utcnow() + timedelta(days=days)).date()


def offer_data(teacher_ids, times=((3, "09:00"), (4, "13:30")), **extra) -> dict:
    data = {"teachers": [str(t) for t in teacher_ids], "kind": "debrief", "minutes": "30",
            "place": "Room 12", "note": "For our debrief", **extra}
    for index, (days, start) in enumerate(times):
        data[f"slots-{index}-date"] = days_ahead(days).isoformat()
        data[f"slots-{index}-start_time"] = start
    return data


def offer_times(client, data) -> dict[str, str]:
    """Press "Make links": {teacher name: booking path}, read off the page shown once."""
    token = helpers.csrf_token(client, "/offers/new")
    response = client.post("/offers", data={**data, "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    found = re.findall(r'<label for="offer-link-\d+">Link for ([^<]+)</label>\s*'
                       r'<input id="offer-link-\d+" type="text" readonly '
                       r'value="http://localhost(/b/[^"]+)">', html)
    assert found, html
    return dict(found)


def teacher_page(app, path):
    teacher = app.test_client()
    response = teacher.get(path)
    return teacher, response


def slot_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="slot" value="(\d+)"', html)]


def book(client, path, slot_id, csrf=None):
    csrf = csrf or helpers.csrf_token(client, path)
    return client.post(path, data={"slot": str(slot_id), "csrf_token": csrf})


def test_offer_book_and_see_it_in_the_schedule(app, coach, coach_client, second_teacher):
    with app.app_context():
        db.session.get(Coach, coach.coach_id).time_zone = NEW_YORK
        db.session.commit()
    links = offer_times(coach_client, offer_data([coach.teacher_id, second_teacher]))
    assert set(links) == {"Teacher of Casey Coach", "Bea Second"}
    first = links["Teacher of Casey Coach"]

    teacher, response = teacher_page(app, first)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Debrief with Casey Coach" in html and "For our debrief" in html
    assert "Times are in Casey Coach’s time zone, America/New York." in html
    assert f"{days_ahead(3).day} " in html and "09:00–09:30 E" in html  # EST or EDT
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    slots = slot_ids(html)
    assert len(slots) == 2

    response = book(teacher, first, slots[0])
    assert response.status_code == 303 and response.headers["Location"] == first
    html = teacher.get(first).get_data(as_text=True)
    assert "Booked:" in html and "09:00–09:30" in html and 'name="slot"' not in html

    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert (visit.kind, visit.minutes, visit.place) == ("debrief", 30, "Room 12")
        assert visit.teacher_id == coach.teacher_id and visit.coach_id == coach.coach_id
        local = services.to_local(visit.starts_at, NEW_YORK)
        assert (local.date(), local.hour, local.minute) == (days_ahead(3), 9, 0)
    schedule = coach_client.get("/schedule").get_data(as_text=True)
    assert "Debrief with Teacher of Casey Coach" in schedule

    # The other teacher sees only the time left; the first teacher cannot book twice.
    _, response = teacher_page(app, links["Bea Second"])
    assert slot_ids(response.get_data(as_text=True)) == [slots[1]]
    again = book(teacher, first, slots[1])
    assert again.status_code == 409 and "already booked" in again.get_data(as_text=True)


def test_a_taken_time_is_refused_plainly_and_the_rest_is_shown(app, coach, coach_client,
                                                               second_teacher):
    links = offer_times(coach_client, offer_data([coach.teacher_id, second_teacher]))
    first, second = links["Teacher of Casey Coach"], links["Bea Second"]
    one, resp_one = teacher_page(app, first)
    two, resp_two = teacher_page(app, second)
    slots = slot_ids(resp_one.get_data(as_text=True))
    assert book(one, first, slots[0]).status_code == 303
    # The second teacher's page was loaded before: they press the time already taken.
    late = book(two, second, slots[0])
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and TAKEN in html
    assert slot_ids(html) == [slots[1]]


def race(app, paths: list[str], slot_id: int) -> list:
    """Two teachers, each with their own client, press the same time at the same moment."""
    clients = [app.test_client() for _ in paths]
    tokens = [helpers.csrf_token(c, p) for c, p in zip(clients, paths, strict=True)]
    barrier = threading.Barrier(len(paths))
    answers: list = [None] * len(paths)

    def press(index: int) -> None:
        barrier.wait()
        answers[index] = book(clients[index], paths[index], slot_id, tokens[index])

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.mark.parametrize("round_", range(3))
def test_two_teachers_racing_for_one_time_one_wins(app, coach, coach_client, second_teacher,
                                                   round_):
    links = offer_times(coach_client, offer_data([coach.teacher_id, second_teacher]))
    paths = [links["Teacher of Casey Coach"], links["Bea Second"]]
    _, response = teacher_page(app, paths[0])
    slot_id = slot_ids(response.get_data(as_text=True))[0]
    answers = race(app, paths, slot_id)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [303, 409], [a.get_data(as_text=True)[:500] for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert TAKEN in loser.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
        visit = db.session.scalar(select(Visit))
        assert db.session.get(OfferSlot, slot_id).visit_id == visit.id
        booked = db.session.scalars(select(OfferLink).where(OfferLink.visit_id.is_not(None)))
        assert [link.visit_id for link in booked] == [visit.id]


def test_the_conditional_update_decides_even_past_a_stale_read(app, coach, second_teacher):
    """The loser read the slot as free (its session's copy), yet the UPDATE … WHERE visit_id
    IS NULL finds it taken: no second visit, the plain message."""
    with app.app_context():
        owner = db.session.get(Coach, coach.coach_id)
        made = offers.create_offer(owner, offers.OfferInput(
            [coach.teacher_id, second_teacher], "debrief", 30,
            [(days_ahead(2), time(9)), (days_ahead(2), time(10))]))
        (link_a, _), (link_b, _) = made.links
        ids = link_a.id, link_b.id, made.offer.slots[0].id
    with app.app_context():
        link_b = db.session.get(OfferLink, ids[1])
        slot = db.session.get(OfferSlot, ids[2])
        assert slot.visit_id is None  # this session now holds the slot as free

        def winner():
            with app.app_context():
                offers.book(db.session.get(OfferLink, ids[0]), ids[2])

        thread = threading.Thread(target=winner)
        thread.start()
        thread.join()
        with pytest.raises(offers.SlotTaken, match="just taken"):
            offers.book(link_b, ids[2])
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
        assert db.session.get(OfferLink, ids[1]).visit_id is None


def test_deleting_a_booked_visit_frees_the_time_and_the_link(app, coach, coach_client):
    links = offer_times(coach_client, offer_data([coach.teacher_id]))
    path = links["Teacher of Casey Coach"]
    teacher, response = teacher_page(app, path)
    slot_id = slot_ids(response.get_data(as_text=True))[0]
    assert book(teacher, path, slot_id).status_code == 303
    with app.app_context():
        visit_id = db.session.scalar(select(Visit.id))
    token = helpers.csrf_token(coach_client, "/")
    coach_client.post(f"/visits/{visit_id}/delete", data={"csrf_token": token})
    html = teacher.get(path).get_data(as_text=True)
    assert "Booked:" not in html and slot_id in slot_ids(html)


def test_revoked_links_answer_410_and_unknown_404(app, coach, coach_client):
    links = offer_times(coach_client, offer_data([coach.teacher_id]))
    path = links["Teacher of Casey Coach"]
    with app.app_context():
        offer_id, link_id = db.session.execute(select(OfferLink.offer_id, OfferLink.id)).one()
    page = coach_client.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert path not in page  # the token is shown once
    token = helpers.csrf_token(coach_client, f"/offers/{offer_id}")
    response = coach_client.post(f"/offers/{offer_id}/links/{link_id}/revoke",
                                 data={"csrf_token": token})
    assert response.status_code == 303
    teacher, response = teacher_page(app, path)
    assert response.status_code == 410 and "This link has ended" in response.get_data(
        as_text=True)
    csrf = helpers.csrf_token(teacher, "/login")
    assert teacher.post(path, data={"slot": "1", "csrf_token": csrf}).status_code == 410
    assert app.test_client().get("/b/" + "x" * 43).status_code == 404


def test_an_expired_link_answers_410(app, coach, coach_client):
    links = offer_times(coach_client, offer_data([coach.teacher_id]))
    with app.app_context():
        link = db.session.scalar(select(OfferLink))
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert app.test_client().get(links["Teacher of Casey Coach"]).status_code == 410


def test_links_stay_open_a_week_past_the_last_time(app, coach):
    with app.app_context():
        owner = db.session.get(Coach, coach.coach_id)
        made = offers.create_offer(owner, offers.OfferInput(
            [coach.teacher_id], "observation", 45,
            [(date(2099, 1, 5), time(9)), (date(2099, 1, 7), time(9))]))
        [(link, token)] = made.links
        assert link.expires_at == datetime(2099, 1, 14, 9, tzinfo=UTC)
        assert link.token_hash == offers.hash_token(token) and len(token) >= 43


@pytest.mark.parametrize("change, message", [
    ({"times": ((3, "09:00"),)}, "Offer 2 to 6 times."),
    ({"times": ((3, "09:00"), (3, "09:00"))}, "Each time offered must be different."),
    ({"times": ((-2, "09:00"), (3, "09:00"))}, "Offer times that are still ahead."),
    ({"teachers": []}, "Choose at least one teacher."),
    ({"teachers": ["999999"]}, "not a valid choice"),
    ({"kind": "nap"}, "Not a valid choice"),
    ({"minutes": "0"}, "Use 1 to 600 minutes."),
    ({"slots-2-date": "2099-01-01"}, "Time 3: enter both the date and the start time."),
    ({"slots-1-start_time": "99:99"}, "Not a valid time value."),
])
def test_bad_offers_answer_400_and_make_nothing(app, coach, coach_client, change, message):
    times = change.pop("times", ((3, "09:00"), (4, "13:30")))
    teachers = change.pop("teachers", [coach.teacher_id])
    data = {**offer_data(teachers, times), **change}
    token = helpers.csrf_token(coach_client, "/offers/new")
    response = coach_client.post("/offers", data={**data, "csrf_token": token})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OfferLink)) == 0


def test_another_coachs_teacher_cannot_be_offered_times(app, coach, other_coach, coach_client):
    token = helpers.csrf_token(coach_client, "/offers/new")
    response = coach_client.post("/offers", data={
        **offer_data([other_coach.teacher_id]), "csrf_token": token})
    assert response.status_code == 400


@pytest.mark.parametrize("slot", ["", "abc", "0", "99999999999999999999", "424242"])
def test_a_bad_slot_is_a_400_not_a_500(app, coach, coach_client, slot):
    links = offer_times(coach_client, offer_data([coach.teacher_id]))
    teacher, _ = teacher_page(app, links["Teacher of Casey Coach"])
    response = book(teacher, links["Teacher of Casey Coach"], slot)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_a_slot_of_another_offer_cannot_be_booked(app, coach, coach_client):
    mine = offer_times(coach_client, offer_data([coach.teacher_id]))
    other = offer_times(coach_client, offer_data([coach.teacher_id], ((5, "08:00"),
                                                                      (6, "08:00"))))
    _, response = teacher_page(app, other["Teacher of Casey Coach"])
    foreign = slot_ids(response.get_data(as_text=True))[0]
    teacher, _ = teacher_page(app, mine["Teacher of Casey Coach"])
    assert book(teacher, mine["Teacher of Casey Coach"], foreign).status_code == 400


def test_the_coachs_offer_page_says_who_booked_what(app, coach, coach_client, second_teacher):
    links = offer_times(coach_client, offer_data([coach.teacher_id, second_teacher]))
    teacher, response = teacher_page(app, links["Bea Second"])
    book(teacher, links["Bea Second"], slot_ids(response.get_data(as_text=True))[1])
    with app.app_context():
        offer_id = db.session.scalar(select(OfferLink.offer_id))
    html = coach_client.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert "booked by Bea Second" in html and "free" in html
    assert html.count(">Revoke link</button>") == 2 and "Not booked yet" in html
