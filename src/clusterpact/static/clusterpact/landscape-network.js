// The interactive network view: draws the nodes and links served by landscape:network-data
// as SVG, redraws when a filter changes, zooms and pans, and shows a chosen node's links.
// The layout comes from the server (deterministic), so the browser only draws: a selection of
// 20,000 organisations arrives grouped and stays responsive. No inline script: CSP is strict.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var SIZE = 1000;

  function el(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    return node;
  }

  function text(tag, content) {
    var node = document.createElement(tag);
    node.textContent = content;
    return node;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function NetworkView(figure) {
    this.figure = figure;
    this.canvas = figure.querySelector("#network-canvas");
    this.status = figure.querySelector("#network-status");
    this.details = document.getElementById("network-details");
    this.form = document.getElementById("network-filters");
    this.view = { x: 0, y: 0, size: SIZE };
    this.request = 0;
    this.bind();
    this.load(figure.dataset.query || "");
  }

  NetworkView.prototype.bind = function () {
    var self = this;
    if (this.form) {
      var reload = function () {
        self.load(new URLSearchParams(new FormData(self.form)).toString());
      };
      this.form.addEventListener("change", reload);
      this.form.addEventListener("submit", function (event) {
        // htmx replaces the text alternative; without htmx the page reloads with the same filters.
        if (window.htmx) {
          event.preventDefault();
        }
        reload();
      });
    }
    this.figure.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        self.zoom(button.getAttribute("data-zoom"));
      });
    });
    this.canvas.addEventListener(
      "wheel",
      function (event) {
        event.preventDefault();
        self.zoom(event.deltaY < 0 ? "in" : "out");
      },
      { passive: false }
    );
    var drag = null;
    this.canvas.addEventListener("pointerdown", function (event) {
      if (event.target.classList && event.target.classList.contains("node")) {
        return;
      }
      drag = { x: event.clientX, y: event.clientY, view: Object.assign({}, self.view) };
      self.canvas.setPointerCapture(event.pointerId);
    });
    this.canvas.addEventListener("pointermove", function (event) {
      if (!drag || !self.svg) {
        return;
      }
      var scale = self.view.size / self.svg.getBoundingClientRect().width;
      self.view.x = drag.view.x - (event.clientX - drag.x) * scale;
      self.view.y = drag.view.y - (event.clientY - drag.y) * scale;
      self.applyView();
    });
    this.canvas.addEventListener("pointerup", function () {
      drag = null;
    });
  };

  NetworkView.prototype.zoom = function (direction) {
    var centre = { x: this.view.x + this.view.size / 2, y: this.view.y + this.view.size / 2 };
    if (direction === "reset") {
      this.view = { x: 0, y: 0, size: SIZE };
    } else {
      var size = direction === "in" ? this.view.size / 1.4 : this.view.size * 1.4;
      size = Math.max(SIZE / 40, Math.min(SIZE * 2, size));
      this.view = { x: centre.x - size / 2, y: centre.y - size / 2, size: size };
    }
    this.applyView();
  };

  NetworkView.prototype.applyView = function () {
    if (this.svg) {
      this.svg.setAttribute(
        "viewBox",
        [this.view.x, this.view.y, this.view.size, this.view.size].join(" ")
      );
    }
  };

  NetworkView.prototype.load = function (query) {
    var self = this;
    var ticket = ++this.request;
    this.figure.setAttribute("aria-busy", "true");
    fetch(this.figure.dataset.url + (query ? "?" + query : ""), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (ticket === self.request) {
          self.draw(data);
        }
      })
      .catch(function () {
        if (ticket === self.request) {
          self.status.textContent = self.figure.dataset.error;
        }
      })
      .finally(function () {
        if (ticket === self.request) {
          self.figure.removeAttribute("aria-busy");
        }
      });
  };

  NetworkView.prototype.draw = function (data) {
    var self = this;
    this.data = data;
    this.canvas.replaceChildren();
    this.showDetails(null);
    if (!data.nodes.length) {
      this.svg = null;
      this.status.textContent = this.figure.dataset.empty;
      this.figure.dataset.nodes = "0";
      return;
    }
    var maxSize = data.nodes.reduce(function (m, n) {
      return Math.max(m, n.size);
    }, 1);
    var maxWeight = data.edges.reduce(function (m, e) {
      return Math.max(m, e.weight);
    }, 1);
    var radiusScale = data.nodes.length > 500 ? 10 : 18;
    var byId = {};
    data.nodes.forEach(function (node) {
      byId[node.id] = node;
    });
    var svg = el("svg", {
      xmlns: SVG,
      class: "network-svg",
      viewBox: "0 0 " + SIZE + " " + SIZE,
      preserveAspectRatio: "xMidYMid meet",
    });
    var edgeLayer = el("g", { class: "edges" });
    data.edges.forEach(function (edge) {
      var a = byId[edge.source];
      var b = byId[edge.target];
      if (!a || !b) {
        return;
      }
      edgeLayer.appendChild(
        el("line", {
          x1: a.x,
          y1: a.y,
          x2: b.x,
          y2: b.y,
          class: "edge",
          "stroke-width": (0.4 + (2.6 * edge.weight) / maxWeight).toFixed(2),
          "data-source": edge.source,
          "data-target": edge.target,
        })
      );
    });
    var nodeLayer = el("g", { class: "nodes" });
    data.nodes.forEach(function (node) {
      var circle = el("circle", {
        cx: node.x,
        cy: node.y,
        r: (2 + radiusScale * Math.sqrt(node.size / maxSize)).toFixed(2),
        class: "node role-" + node.helix_role + (node.kind === "group" ? " group" : ""),
        "data-id": node.id,
      });
      var title = el("title");
      title.textContent = node.label + " (" + node.size + ")";
      circle.appendChild(title);
      circle.addEventListener("click", function () {
        self.showDetails(node);
      });
      nodeLayer.appendChild(circle);
    });
    svg.appendChild(edgeLayer);
    svg.appendChild(nodeLayer);
    this.canvas.appendChild(svg);
    this.svg = svg;
    this.applyView();
    this.figure.dataset.nodes = String(data.nodes.length);
    this.status.textContent = format(this.figure.dataset.summaryTemplate, {
      nodes: data.nodes.length,
      edges: data.edges.length,
    });
  };

  NetworkView.prototype.showDetails = function (node) {
    var details = this.details;
    if (!details) {
      return;
    }
    var heading = details.querySelector("h2");
    var hint = details.querySelector(".hint");
    details.querySelectorAll(".detail").forEach(function (item) {
      item.remove();
    });
    if (this.svg) {
      this.svg.querySelectorAll(".selected, .linked").forEach(function (item) {
        item.classList.remove("selected", "linked");
      });
    }
    if (!node) {
      if (hint) {
        hint.hidden = false;
      }
      return;
    }
    if (hint) {
      hint.hidden = true;
    }
    var labels = this.data.helix_labels || {};
    var neighbours = [];
    var byId = {};
    this.data.nodes.forEach(function (n) {
      byId[n.id] = n;
    });
    this.svg.querySelectorAll(".edge").forEach(function (line) {
      var other = null;
      if (line.getAttribute("data-source") === node.id) {
        other = line.getAttribute("data-target");
      } else if (line.getAttribute("data-target") === node.id) {
        other = line.getAttribute("data-source");
      }
      if (other) {
        line.classList.add("linked");
        neighbours.push(other);
      }
    });
    var circle = this.svg.querySelector('[data-id="' + CSS.escape(node.id) + '"]');
    if (circle) {
      circle.classList.add("selected");
    }
    var box = document.createElement("div");
    box.className = "detail";
    box.appendChild(text("p", node.label)).className = "detail-name";
    box.appendChild(
      text(
        "p",
        format(this.figure.dataset.nodeTemplate, {
          role: labels[node.helix_role] || node.helix_role || "—",
          projects: node.size,
          organisations: node.organisations,
        })
      )
    );
    var list = document.createElement("ul");
    neighbours.slice(0, 30).forEach(function (id) {
      if (byId[id]) {
        list.appendChild(text("li", byId[id].label));
      }
    });
    box.appendChild(list);
    details.insertBefore(box, heading.nextSibling);
  };

  function start() {
    var figure = document.getElementById("network-figure");
    if (figure) {
      new NetworkView(figure);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
