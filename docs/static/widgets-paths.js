/* Loaded after require.js and before the widget renderer (docs/conf.py, nb_ipywidgets_js). The renderer's
   modules are named "@jupyter-widgets/html-manager/dist/..." and find their fonts next to where require.js
   thinks they are: here, the site's own _static/widgets/ (not the page's folder, where they are not). */
require.config({
  paths: { "@jupyter-widgets/html-manager/dist": new URL("widgets", document.currentScript.src).href },
});
