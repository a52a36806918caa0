# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Demo data of the satisfaction evaluation for xã Gia Lộc: the kiosk of
the counter, the returned dossiers rated there, and a birth registration
filed online, handled and returned today, rated "not satisfied" by QR code
and followed up by the leader

Called by the procedures' demo once its dossiers exist; everything goes
through the module's own methods, as at the counter, on the tablet and on
the citizen's phone.  The dossier ready for return stays so: the officer
trying the demo returns it and hands it to the kiosk."""
from trytond.pool import Pool
from trytond.transaction import Transaction

KIOSK = "Quầy số 1 - Tiếp nhận và trả kết quả"
# Nguyễn Văn An's birth registration (free when on time, so nothing to pay
# before the return), and who does each step of it
UNHAPPY_CITIZEN = '031095001234'
STEPS = [
    ('receive', 'tiepnhan'),
    ('assign', 'tiepnhan'),
    ('submit_approval', 'chuyenvien'),
    ('approve', 'lanhdao'),
    ('return_result', 'tiepnhan'),
    ]
# his answers by question code (survey_data.xml)
UNHAPPY = {
    'overall': 'not_satisfied',
    'a': "Đúng ngày hẹn trả",
    'b': "Chỉ Bộ phận Một cửa",
    'c': "Hai lần",
    'd': '3',
    'e': '4',
    'h': '2',
    }
UNHAPPY_COMMENT = ("Tôi đã nộp hồ sơ trực tuyến nhưng vẫn phải mang bản "
    "chính giấy chứng sinh đến quầy; hướng dẫn trên Cổng dịch vụ công không "
    "nói rõ nên tôi phải đi lại hai lần.")
CONTACT_NOTE = ("Đã gọi điện cho anh An, xin lỗi vì anh phải đi lại hai "
    "lần. Xã sẽ bổ sung hướng dẫn về giấy tờ cần mang theo khi nhận kết "
    "quả hồ sơ nộp trực tuyến.")


def load(company):
    "The survey part of the demo commune"
    pool = Pool()
    Dossier = pool.get('onestop.dossier')
    Kiosk = pool.get('onestop.survey.kiosk')
    User = pool.get('res.user')
    officer, = User.search([('login', '=', 'tiepnhan')])
    kiosk = Kiosk(company=company, name=KIOSK, officers=[officer])
    kiosk.save()

    # the citizens tap "satisfied" on the tablet as they leave the counter
    with Transaction().set_user(officer.id):
        for dossier in Dossier.search([
                    ('company', '=', company.id),
                    ('state', '=', 'returned'),
                    ]):
            Dossier.survey_kiosk([dossier])
            Kiosk(kiosk.id).answer(
                dossier.survey_invitation.token, 'satisfied')

    dossier, = Dossier.search([
            ('company', '=', company.id),
            ('applicant.citizen_id', '=', UNHAPPY_CITIZEN),
            ])
    _return(dossier)
    _answer_unhappy(Dossier(dossier.id))


def _return(dossier):
    "Handle the dossier filed online until its result is returned"
    pool = Pool()
    Dossier = pool.get('onestop.dossier')
    User = pool.get('res.user')
    users = {u.login: u for u in User.search(
            [('login', 'in', [login for _, login in STEPS])])}
    Dossier.write([dossier], {'assignee': users['chuyenvien'].id})
    for step, login in STEPS:
        with Transaction().set_user(users[login].id):
            getattr(Dossier, step)([Dossier(dossier.id)])


def _answer_unhappy(dossier):
    """The citizen scans the QR code of his return slip at home and is not
    satisfied; the leader calls him and records it"""
    pool = Pool()
    Survey = pool.get('onestop.survey')
    FollowUp = pool.get('onestop.survey.followup')
    User = pool.get('res.user')
    invitation = dossier.survey_invitation
    survey = Survey.for_channel(invitation.company, 'online')
    response = invitation.answer(survey, 'qr',
        {q.id: UNHAPPY[q.code] for q in survey.questions
            if q.code in UNHAPPY},
        comment=UNHAPPY_COMMENT)
    leader, = User.search([('login', '=', 'lanhdao')])
    followup, = FollowUp.search([('response', '=', response.id)])
    followup.leader = leader
    followup.step = next(
        (s for s in dossier.procedure.steps if s.role == 'officer'), None)
    followup.contact_method = 'phone'
    followup.contact_note = CONTACT_NOTE
    followup.save()
    with Transaction().set_user(leader.id):
        FollowUp.contact([followup])
