// The SPARQL page's editor: YASGUI in place of the plain form, when the server has it (the
// files that `python -m asean_customs_kg.web.yasgui` fetched). Without it this does nothing,
// and the plain form stays. The editor sends its queries to this server's /sparql only, and
// its completions use no web service (the page's Content-Security-Policy would refuse them).
(function () {
  "use strict";
  var form = document.querySelector("form.sparql");
  var Yasgui = window.Yasgui;
  if (!form || typeof Yasgui === "undefined") {
    return;
  }
  var text = form.querySelector("textarea").value;
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var holder = document.createElement("div");
  holder.id = "yasgui";
  form.parentNode.insertBefore(holder, form);
  form.hidden = true;
  var served = document.getElementById("served-result");
  if (served) {
    served.hidden = true;
  }
  var endpoint = new URL("/sparql", window.location.href).href;
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    showChangeEndpoint: false,
    persistenceId: "ackg-sparql",
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(text);
  document.body.classList.add("yasgui-ready");
})();
