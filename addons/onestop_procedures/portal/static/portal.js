/* This file is part of the one-stop modules.  The COPYRIGHT file at the top
   level of this repository contains the full copyright notices and license.
   Progressive enhancements: every page works without this script. */
(function () {
    'use strict';

    function onReady(callback) {
        if (document.readyState !== 'loading') {
            callback();
        } else {
            document.addEventListener('DOMContentLoaded', callback);
        }
    }

    // Live search through the public API while the citizen types
    function liveSearch() {
        var input = document.getElementById('q');
        var results = document.getElementById('results');
        if (!input || !results || !window.fetch) {
            return;
        }
        var timer = null;
        var lang = document.documentElement.lang || 'vi';
        input.addEventListener('input', function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(function () {
                var query = input.value.trim();
                if (query.length < 2) {
                    return;
                }
                var url = input.dataset.api + '?q=' +
                    encodeURIComponent(query) + '&lang=' + lang;
                fetch(url, {credentials: 'same-origin'})
                    .then(function (response) { return response.json(); })
                    .then(function (data) { show(data, query); })
                    .catch(function () {});
            }, 250);
        });

        function show(data, query) {
            if (input.value.trim() !== query) {
                return;
            }
            results.textContent = '';
            var heading = document.createElement('h2');
            heading.id = 'results-heading';
            heading.textContent = results.dataset.countLabel ?
                results.dataset.countLabel.replace('%s', data.count) :
                String(data.count);
            results.appendChild(heading);
            var list = document.createElement('ul');
            list.className = 'cards';
            data.procedures.forEach(function (procedure) {
                var item = document.createElement('li');
                item.className = 'card';
                var link = document.createElement('a');
                link.className = 'card-title';
                link.href = new URL(procedure.url).pathname;
                link.textContent = procedure.name;
                var meta = document.createElement('p');
                meta.className = 'meta';
                [procedure.code, procedure.field.name,
                    procedure.processing_time].forEach(function (text) {
                    var span = document.createElement('span');
                    span.textContent = text;
                    meta.appendChild(span);
                });
                item.appendChild(link);
                item.appendChild(meta);
                list.appendChild(item);
            });
            results.appendChild(list);
        }
    }

    // Print buttons (no inline script: the Content-Security-Policy)
    function printButtons() {
        document.querySelectorAll('[data-print]').forEach(function (button) {
            button.addEventListener('click', function () {
                window.print();
            });
        });
    }

    // Choosing another commune shows its appointment at once
    function autoSubmit() {
        document.querySelectorAll('select[data-autosubmit]').forEach(
            function (select) {
                select.addEventListener('change', function () {
                    select.form.submit();
                });
            });
    }

    // Files too large are reported before they are sent
    function fileChecks() {
        document.querySelectorAll('form[data-max-size]').forEach(
            function (form) {
                var max = parseInt(form.dataset.maxSize, 10);
                form.querySelectorAll('input[type=file]').forEach(
                    function (input) {
                        input.addEventListener('change', function () {
                            var tooLarge = Array.prototype.some.call(
                                input.files, function (file) {
                                    return file.size > max;
                                });
                            input.setCustomValidity(tooLarge ?
                                form.dataset.sizeMessage : '');
                            input.reportValidity();
                        });
                    });
            });
    }

    // Errors get the focus so that screen readers read them first
    function focusErrors() {
        var alert = document.querySelector('[data-focus]');
        if (alert) {
            alert.focus();
        }
    }

    onReady(function () {
        liveSearch();
        printButtons();
        autoSubmit();
        fileChecks();
        focusErrors();
    });
}());
