// Your Place: the one JavaScript entry point.
//
// Built into static/dist/app.<hash>.js by scripts/build_assets.py (esbuild,
// ES module, minified). Loaded with <script type="module">, so browsers that
// cannot run it simply get the server-rendered pages, which work without JS.
//
// Content-Security-Policy is `script-src 'self'; style-src 'self'`: nothing
// here may inject inline scripts or styles or call eval. htmx is configured by
// the <meta name="htmx-config"> tag in the base template (includeIndicatorStyles
// false, allowEval false); its indicator CSS ships in scss/app.scss.

import htmx from 'htmx.org'
import {
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  NotificationBanner,
  Radios,
  ServiceNavigation,
  SkipLink,
  createAll,
  isSupported
} from 'govuk-frontend'

// Other code (and people debugging in the console) expect the global.
window.htmx = htmx

// GOV.UK templates set these classes with an inline <script> in <body>; the
// CSP forbids that, so do it here. `govuk-frontend-supported` is what
// isSupported() checks; `noModule` support is GOV.UK's own feature test.
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}

// Only the GOV.UK components the portal uses, to keep the bundle small.
const COMPONENTS = [
  SkipLink,
  ServiceNavigation,
  ErrorSummary,
  NotificationBanner,
  CharacterCount,
  Radios,
  Checkboxes
]

// A component that is already set up carries `data-<module-name>-init`, and
// creating it again throws an InitError. htmx swaps can hand us content whose
// components are already running, so that error is expected and ignored;
// anything else is logged, as GOV.UK's own createAll would.
function onError (error) {
  if (error && error.name === 'InitError') return
  console.log(error)
}

function initGovuk (scope) {
  if (!isSupported()) return
  for (const Component of COMPONENTS) {
    const name = Component.moduleName
    // createAll only searches inside the scope; an outerHTML swap can make
    // the swapped element itself a component root.
    if (
      scope instanceof HTMLElement &&
      scope.getAttribute('data-module') === name &&
      !scope.hasAttribute(`data-${name}-init`)
    ) {
      try {
        new Component(scope) // eslint-disable-line no-new
      } catch (error) {
        onError(error)
      }
    }
    createAll(Component, undefined, { scope, onError })
  }
}

// The page as served. Module scripts run after the document is parsed.
initGovuk(document)

// Every element htmx swaps in. htmx also fires this once for <body> when it
// starts; that is the page already initialised above, so skip it.
htmx.onLoad((element) => {
  if (element !== document.body) initGovuk(element)
})

// "Print this page" buttons are in the page hidden: they only work with JavaScript,
// so they appear only when it runs (without it, the page says to use the browser's
// print option).
function initPrintButtons (scope) {
  for (const button of scope.querySelectorAll('[data-yp-print]')) {
    if (button.dataset.ypPrintReady) continue
    button.dataset.ypPrintReady = 'true'
    button.hidden = false
    button.addEventListener('click', () => window.print())
  }
}

initPrintButtons(document)
htmx.onLoad((element) => {
  if (element !== document.body && element.querySelectorAll) initPrintButtons(element)
})
