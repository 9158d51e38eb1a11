import { hierarchy, select, treemap, treemapSquarify, type HierarchyRectangularNode } from "d3";
import { useMemo } from "react";
import { apiUrl, fetchJson, scopeQuery, type RigBreakdown, type RoleBreakdown } from "../../lib/api";
import { getRoleColor, groupLabel } from "../../lib/colors";
import { formatUsd } from "../../lib/format";
import { roleLeaves, type RoleRigs } from "../../lib/breakdown";
import { useLoad } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { ChartCard, ChartCanvas } from "../ui/ChartCard";
import { fitLabel, freshSvg, tooltip } from "./frame";

type Node = { name: string | null; role: string | null; usd: number; children?: Node[] };

/** Nested treemap, role then rig: area = cost, color = role, labels cut to fit. */
export function drawRoleTreemap(host: HTMLElement, roles: RoleRigs[], { width, height }: Size): void {
  const root = hierarchy<Node>({
    name: "all", role: null, usd: 0,
    children: roles.map((r) => ({
      name: r.role, role: r.role, usd: r.total_usd,
      children: r.rigs.map((rig) => ({ name: rig.rig, role: r.role, usd: rig.total_usd })),
    })),
  }).sum((n) => (n.children ? 0 : n.usd)).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const total = root.value ?? 0;
  const laid = treemap<Node>().size([width, height]).tile(treemapSquarify)
    .paddingOuter(2).paddingTop((n) => (n.depth === 1 ? 16 : 0)).paddingInner(2).round(true)(root);

  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const share = (usd: number) => (total > 0 ? `${((usd / total) * 100).toFixed(1)}%` : "");

  const roleGroups = svg.selectAll("g.role").data(laid.children ?? []).join("g").attr("class", "role");
  roleGroups.append("rect").attr("class", "role-cell")
    .attr("x", (n) => n.x0).attr("y", (n) => n.y0)
    .attr("width", (n) => Math.max(0, n.x1 - n.x0)).attr("height", (n) => Math.max(0, n.y1 - n.y0))
    .attr("fill", (n) => getRoleColor(n.data.role)).attr("fill-opacity", 0.15)
    .attr("stroke", (n) => getRoleColor(n.data.role)).attr("stroke-opacity", 0.6);
  roleGroups.append("text").attr("class", "role-label")
    .attr("x", (n) => n.x0 + 4).attr("y", (n) => n.y0 + 11)
    .attr("fill", "#f3f4f6").style("font-size", "10px").style("font-weight", "600")
    .text((n) => fitLabel(`${groupLabel(n.data.role, "no role")} ${formatUsd(n.value ?? 0)}`, n.x1 - n.x0 - 6, 6) ?? "");

  const leaves = roleGroups.selectAll<SVGGElement, HierarchyRectangularNode<Node>>("g.leaf")
    .data((n) => n.children ?? []).join("g").attr("class", "leaf");
  leaves.append("rect").attr("class", "rig-cell")
    .attr("x", (n) => n.x0).attr("y", (n) => n.y0)
    .attr("width", (n) => Math.max(0, n.x1 - n.x0)).attr("height", (n) => Math.max(0, n.y1 - n.y0))
    .attr("fill", (n) => getRoleColor(n.data.role))
    .attr("fill-opacity", (n) => 0.55 + 0.4 * ((n.value ?? 0) / Math.max(1e-12, n.parent?.value ?? 1)))
    .on("mousemove", (event: MouseEvent, n) => tip.show(event, [
      { text: `${groupLabel(n.data.role, "no role")} / ${groupLabel(n.data.name, "no rig")}`, strong: true, color: getRoleColor(n.data.role) },
      { text: `${formatUsd(n.data.usd)} · ${share(n.data.usd)} of total` },
    ]))
    .on("mouseleave", () => tip.hide());
  leaves.filter((n) => n.y1 - n.y0 >= 14).append("text").attr("class", "rig-label")
    .attr("x", (n) => n.x0 + 4).attr("y", (n) => n.y0 + 12)
    .attr("fill", "#111827").style("font-size", "10px").style("pointer-events", "none")
    .text((n) => fitLabel(groupLabel(n.data.name, "no rig"), n.x1 - n.x0 - 6) ?? "");
  leaves.filter((n) => n.y1 - n.y0 >= 28).append("text").attr("class", "rig-value")
    .attr("x", (n) => n.x0 + 4).attr("y", (n) => n.y0 + 24)
    .attr("fill", "#1f2937").style("font-size", "9px").style("pointer-events", "none")
    .text((n) => fitLabel(formatUsd(n.data.usd), n.x1 - n.x0 - 6, 5.5) ?? "");
}

export function RoleTreemap() {
  const { range, zone, filters } = useView();
  const scope = scopeQuery(range, zone, filters);
  const rolesUrl = apiUrl("/api/stats/roles", scope);
  // The roles answer gives the first level; one rig breakdown per role gives the second.
  const loaded = useLoad<RoleRigs[]>(rolesUrl, async (signal) => {
    const roles = (await fetchJson<{ data: RoleBreakdown[] }>(rolesUrl, signal)).data.filter((r) => r.total_usd > 0);
    return Promise.all(roles.map(async (role) => {
      const rigs = role.role === null
        ? []
        : (await fetchJson<{ data: RigBreakdown[] }>(apiUrl("/api/stats/rigs", { ...scope, role: [role.role] }), signal)).data;
      return { role: role.role, total_usd: role.total_usd, rigs: roleLeaves(role, rigs) };
    }));
  }, { refreshMs: 60_000 });
  const data = useMemo(() => loaded.data, [loaded.data]);
  return (
    <ChartCard testId="role-treemap" title="Role Treemap" subtitle="Spend by role, then rig"
      loading={loaded.loading} error={loaded.error} empty={!data || data.length === 0} emptyText="No spend in this range">
      {data && <ChartCanvas data={data} draw={drawRoleTreemap} />}
    </ChartCard>
  );
}
