/* Counter kiosk: poll for the dossier the officer sent, show the three
   big buttons, post the rating, thank the citizen, go back to idle. */
(function () {
    'use strict';
    var POLL_MS = 3000;
    var THANKS_MS = 6000;
    var body = document.body;
    var currentUrl = body.getAttribute('data-current');
    var answerUrl = body.getAttribute('data-answer');
    var screens = ['idle', 'evaluate', 'thanks', 'error'];
    var shownToken = null;
    var busy = false;
    var resetTimer = null;

    function show(name, announce) {
        screens.forEach(function (id) {
            document.getElementById(id).hidden = id !== name;
        });
        body.setAttribute('data-screen', name);
        if (announce) {
            document.getElementById('status').textContent = announce;
        }
    }

    function setButtons(disabled) {
        var buttons = document.querySelectorAll('.choice');
        Array.prototype.forEach.call(buttons, function (button) {
            button.disabled = disabled;
        });
    }

    function idleLater() {
        clearTimeout(resetTimer);
        resetTimer = setTimeout(function () {
            shownToken = null;
            busy = false;
            show('idle', '');
        }, THANKS_MS);
    }

    function evaluate(data) {
        shownToken = data.token;
        document.getElementById('dossier-code').textContent = data.dossier;
        document.getElementById('dossier-procedure').textContent =
            data.procedure || '';
        document.getElementById('dossier-officer').textContent =
            data.officer ? 'Cán bộ trả kết quả: ' + data.officer : '';
        setButtons(false);
        show('evaluate', 'Mời Quý ông/bà đánh giá hồ sơ ' + data.dossier);
    }

    function poll() {
        if (busy) {
            return;
        }
        fetch(currentUrl, {cache: 'no-store', credentials: 'omit'})
            .then(function (response) { return response.json(); })
            .then(function (data) {
                if (busy) {
                    return;
                }
                if (data.state === 'evaluate') {
                    if (data.token !== shownToken) {
                        evaluate(data);
                    }
                } else if (shownToken !== null) {
                    shownToken = null;
                    show('idle', '');
                }
            })
            .catch(function () { /* offline: try again at the next tick */ });
    }

    function answer(rating) {
        if (busy || shownToken === null) {
            return;
        }
        busy = true;
        setButtons(true);
        fetch(answerUrl, {
            method: 'POST',
            cache: 'no-store',
            credentials: 'omit',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({token: shownToken, rating: rating})
        }).then(function (response) {
            return response.json().then(function (data) {
                if (response.ok) {
                    show('thanks', 'Xin cảm ơn Quý ông/bà');
                } else {
                    document.getElementById('error-text').textContent =
                        (data.error && data.error.message) || '';
                    show('error', 'Chưa ghi nhận được đánh giá');
                }
            });
        }).catch(function () {
            document.getElementById('error-text').textContent =
                'Mất kết nối, xin vui lòng báo cán bộ.';
            show('error', 'Chưa ghi nhận được đánh giá');
        }).then(idleLater);
    }

    Array.prototype.forEach.call(
        document.querySelectorAll('.choice'), function (button) {
            button.addEventListener('click', function () {
                answer(button.getAttribute('data-rating'));
            });
        });
    show('idle', '');
    poll();
    setInterval(poll, POLL_MS);
}());
