/* Loaded on every page after Sphinx's MathJax settings and before MathJax itself (docs/conf.py). */
(function () {
  "use strict";

  /* The widget renderer (@jupyter-widgets/controls) typesets a widget's label with MathJax 2's
     MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the site serves MathJax 3, which has no Hub.
     This Hub does the same with MathJax 3, and nothing on a page without MathJax. */
  const hub = {
    Queue(...jobs) {
      for (const job of jobs) {
        const element = Array.isArray(job) ? job[2] : null;
        const mathjax = window.MathJax;
        if (element && mathjax && mathjax.startup && mathjax.startup.promise && mathjax.typesetPromise) {
          mathjax.startup.promise = mathjax.startup.promise.then(() => mathjax.typesetPromise([element]));
        }
      }
    },
  };
  const settings = window.MathJax || {};
  const startup = settings.startup || {};
  window.MathJax = Object.assign(settings, {
    Hub: hub,
    startup: Object.assign(startup, {
      ready() {
        window.MathJax.startup.defaultReady();
        window.MathJax.Hub = hub;
        window.MathJax.startup.promise.then(fitDisplayMath);
      },
    }),
  });

  /* A display equation wider than the column (on a phone) is set smaller, down to 60 %, so that it
     fits; one that still does not fit scrolls sideways (site.css). Done again when the window changes
     size and when a folded hint or answer opens. */
  function fitDisplayMath() {
    document.querySelectorAll('mjx-container[display="true"]').forEach((box) => {
      box.style.fontSize = "";
      const math = box.querySelector("mjx-math");
      if (!math || box.clientWidth === 0) return;
      const ratio = box.clientWidth / math.getBoundingClientRect().width;
      if (ratio < 1) {
        box.style.fontSize = `${parseFloat(getComputedStyle(box).fontSize) * Math.max(0.6, ratio * 0.98)}px`;
      }
    });
  }
  let resizing = null;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(fitDisplayMath);
  });
  document.addEventListener("toggle", () => requestAnimationFrame(fitDisplayMath), true);

  /* Search results: Sphinx takes a result's snippet from the whole <main> of the page, theme buttons
     ("Settings Light Dark") and TeX source included. Take it from the article only, with math, code
     outputs' scripts, toggles' labels and the edition links left out. */
  const LEFT_OUT = ".headerlink, script, style, .math, mjx-container, .edition-links, .copybtn, " +
    "details > summary, .bd-header-article, .prev-next-area, .lab-notice .admonition-title";
  function withoutTheme(htmlString, anchor) {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(LEFT_OUT).forEach((element) => element.remove());
    const article = page.querySelector("article.bd-article") || page.querySelector('[role="main"]');
    if (!article) return "";
    const part = anchor ? article.querySelector(anchor) : null;
    return (part || article).textContent.replace(/\s+/g, " ");
  }
  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Search !== "undefined" && Search.htmlToText) Search.htmlToText = withoutTheme;
  });
})();
