import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { request } from '../api.ts';
import { type Connection, nodes } from '../queries.ts';
import { href, navigate } from '../router.ts';
import { useViewer } from '../session.tsx';
import { Empty, ErrorBox, LEVEL_COLOUR, Loading } from '../ui.tsx';

/**
 * Graph explorer: an entity's neighbourhood (depth 1–2), expanded by clicking a node (or with the
 * keyboard from the list beside the graph), shortest paths between two entities; edges as wide as
 * the access count (log scale), dashed when rare; users coloured by risk level, assets by
 * criticality.
 */
interface GraphNode {
  id: string;
  key: string;
  type: string;
  name?: string | null;
  riskScore?: number;
  riskLevel?: string;
  criticality?: number | null;
  malwareAt?: string | null;
}

interface NeighbourEdge {
  distance: number;
  access: { count: number; failures: number; firstSeen: string | null; lastSeen: string | null } | null;
  node: GraphNode;
}

const NODE_FIELDS = `id key type ... on User { name riskScore riskLevel } ... on Asset { criticality } ... on Device { malwareAt }`;
const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $first: Int!) {
  entity(id: $id) { ${NODE_FIELDS}
    neighbors(depth: 1, first: $first) { edges { distance access { count failures firstSeen lastSeen } node { ${NODE_FIELDS} } } }
  }
}`;
const PATHS = `query Paths($from: ID!, $to: ID!) {
  paths(from: $from, to: $to, maxHops: 4, first: 5) { edges { node { length nodes { ${NODE_FIELDS} } steps { relationship from to } } } }
}`;

/** An access edge seen this rarely (events) is drawn dashed: a rare relationship. */
const RARE_COUNT = 2;
const FIRST = 30;

type Status = { state: 'idle' } | { state: 'loading'; what: string } | { state: 'error'; error: string };

export function GraphPage({ id, depth, to }: { id: string | undefined; depth: number; to: string | undefined }) {
  const viewer = useViewer();
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const [inView, setInView] = useState<GraphNode[]>([]);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<GraphNode | null>(null);
  const [pathInfo, setPathInfo] = useState<string | null>(null);
  const [startInput, setStartInput] = useState(id ?? '');
  const [toInput, setToInput] = useState(to ?? '');

  useEffect(() => {
    if (container.current === null) return;
    const instance = cytoscape({
      container: container.current,
      style: STYLE,
      wheelSensitivity: 0.3,
      minZoom: 0.2,
      maxZoom: 3,
    });
    cy.current = instance;
    return () => {
      instance.destroy();
      cy.current = null;
    };
  }, []);

  const refreshList = useCallback(() => {
    const instance = cy.current;
    if (instance === null) return;
    setInView(instance.nodes().map((n) => n.data('entity') as GraphNode).sort((a, b) => a.type.localeCompare(b.type) || a.key.localeCompare(b.key)));
  }, []);

  const layout = useCallback(() => {
    cy.current?.layout({ name: 'cose', animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 90, padding: 30 } as cytoscape.LayoutOptions).run();
  }, []);

  /** Adds the node's neighbours; returns them. */
  const expand = useCallback(
    async (entityId: string): Promise<NeighbourEdge[]> => {
      const instance = cy.current;
      if (instance === null) return [];
      const { data } = await request<{ entity: (GraphNode & { neighbors: { edges: NeighbourEdge[] } }) | null }>(viewer.token, NEIGHBOURHOOD, {
        id: entityId,
        first: FIRST,
      });
      if (data.entity === null) throw new Error(`no entity ${entityId} (use a typed id such as User:alice or Asset:FIN-DB-02)`);
      const center = data.entity;
      const elements: ElementDefinition[] = [nodeElement(center)];
      for (const edge of data.entity.neighbors.edges) {
        elements.push(nodeElement(edge.node));
        elements.push(edgeElement(center, edge));
      }
      instance.batch(() => {
        for (const element of elements) {
          const existing = instance.getElementById(element.data.id!);
          if (existing.nonempty()) existing.data(element.data);
          else instance.add(element);
        }
      });
      setExpanded((s) => new Set(s).add(center.id));
      instance.getElementById(center.id).addClass('expanded');
      return data.entity.neighbors.edges;
    },
    [viewer.token],
  );

  // Load the start entity (and for depth 2 its neighbours' neighbourhoods), then the paths.
  useEffect(() => {
    const instance = cy.current;
    if (instance === null || id === undefined) return;
    let cancelled = false;
    instance.elements().remove();
    setExpanded(new Set());
    setSelected(null);
    setPathInfo(null);
    setStatus({ state: 'loading', what: `the neighbourhood of ${id}` });
    (async () => {
      const first = await expand(id);
      if (depth >= 2) {
        for (const edge of first.slice(0, 12)) {
          if (cancelled) return;
          await expand(edge.node.id);
        }
      }
      if (to) {
        const { data } = await request<{ paths: Connection<{ length: number; nodes: GraphNode[]; steps: Array<{ relationship: string; from: string; to: string }> }> }>(viewer.token, PATHS, {
          from: id,
          to,
        });
        const paths = nodes(data.paths);
        instance.batch(() => {
          for (const path of paths) {
            for (const n of path.nodes) if (instance.getElementById(n.id).empty()) instance.add(nodeElement(n));
            for (const n of path.nodes) instance.getElementById(n.id).addClass('on-path');
            for (const step of path.steps) {
              const edgeId = `${step.from}->${step.to}`;
              const existing = instance.getElementById(edgeId);
              if (existing.empty()) instance.add({ group: 'edges', data: { id: edgeId, source: step.from, target: step.to, width: 2, label: step.relationship === 'REPORTS_TO' ? 'reports to' : '' }, classes: step.relationship === 'REPORTS_TO' ? 'reports' : '' });
              instance.getElementById(edgeId).addClass('on-path');
            }
          }
        });
        setPathInfo(paths.length === 0 ? `No path from ${id} to ${to} within 4 hops.` : `${paths.length} shortest path${paths.length > 1 ? 's' : ''} of ${paths[0]!.length} hop${paths[0]!.length > 1 ? 's' : ''} from ${id} to ${to}, highlighted.`);
      }
      if (cancelled) return;
      instance.getElementById(id).addClass('start');
      layout();
      refreshList();
      setStatus({ state: 'idle' });
    })().catch((error: unknown) => {
      if (!cancelled) setStatus({ state: 'error', error: (error as Error).message });
    });
    return () => {
      cancelled = true;
    };
  }, [id, depth, to, expand, layout, refreshList, viewer.token]);

  const expandAndLayout = useCallback(
    (entityId: string) => {
      setStatus({ state: 'loading', what: `the neighbours of ${entityId}` });
      expand(entityId)
        .then(() => {
          layout();
          refreshList();
          setStatus({ state: 'idle' });
        })
        .catch((error: unknown) => setStatus({ state: 'error', error: (error as Error).message }));
    },
    [expand, layout, refreshList],
  );

  // Click (tap) a node: select it and expand its neighbourhood.
  useEffect(() => {
    const instance = cy.current;
    if (instance === null) return;
    const onTap = (event: cytoscape.EventObject) => {
      const entity = event.target.data('entity') as GraphNode;
      setSelected(entity);
      if (!event.target.hasClass('expanded')) expandAndLayout(entity.id);
    };
    instance.on('tap', 'node', onTap);
    return () => {
      instance.off('tap', 'node', onTap);
    };
  }, [expandAndLayout]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = normaliseId(startInput);
    if (start === '') return;
    const target = normaliseId(toInput);
    navigate(`${href('graph', start)}?depth=${depth}${target ? `&to=${encodeURIComponent(target)}` : ''}`);
  };

  return (
    <div className="page graph-page">
      <form className="toolbar" onSubmit={submit} aria-label="graph explorer controls">
        <label>
          Entity <input value={startInput} onChange={(e) => setStartInput(e.target.value)} placeholder="User:alice, Asset:FIN-DB-02" name="entity" />
        </label>
        <label>
          Depth{' '}
          <select
            value={depth}
            name="depth"
            onChange={(e) => id && navigate(`${href('graph', id)}?depth=${e.target.value}${to ? `&to=${encodeURIComponent(to)}` : ''}`)}
          >
            <option value={1}>1</option>
            <option value={2}>2</option>
          </select>
        </label>
        <label>
          Paths to <input value={toInput} onChange={(e) => setToInput(e.target.value)} placeholder="optional: Asset:PAYROLL-DB" name="to" />
        </label>
        <button type="submit">Explore</button>
        <span className="legend small">
          <span className="dot" style={{ background: LEVEL_COLOUR.CRITICAL }} /> user by risk · <span className="dot square" style={{ background: '#7b5ea7' }} /> asset (darker = more critical) ·{' '}
          <span className="dot diamond" style={{ background: '#4a7fb5' }} /> application · <span className="dot" style={{ background: '#8a8f98' }} /> device · edge width = access count, dashed = rare (≤ {RARE_COUNT})
        </span>
      </form>
      {status.state === 'loading' ? <Loading what={status.what} /> : null}
      {status.state === 'error' ? <ErrorBox error={status.error} /> : null}
      {pathInfo ? <p className="path-info" data-testid="path-info">{pathInfo}</p> : null}
      {id === undefined ? <Empty>Enter an entity (a user key, or a typed id such as Asset:FIN-DB-02) to explore its neighbourhood.</Empty> : null}
      <div className="graph-layout">
        <div ref={container} className="graph-canvas" data-testid="graph-canvas" data-nodes={inView.length} aria-label="entity graph" role="img" />
        <aside className="graph-side" aria-label="nodes in view">
          {selected ? (
            <div className="selected">
              <strong>{selected.key}</strong> <span className="muted">{selected.type}</span>
              {selected.riskScore !== undefined ? <div>risk {selected.riskScore.toFixed(1)} ({selected.riskLevel})</div> : null}
              {selected.criticality ? <div>criticality ×{selected.criticality}</div> : null}
              {selected.type === 'User' ? <a href={href('user', selected.key)}>Open user page →</a> : null}
            </div>
          ) : null}
          <h3>
            In view <span className="muted">({inView.length})</span>
          </h3>
          <ul className="node-list" data-testid="node-list">
            {inView.map((n) => (
              <li key={n.id}>
                <button type="button" onClick={() => expandAndLayout(n.id)} disabled={expanded.has(n.id)} title={expanded.has(n.id) ? 'expanded' : `expand ${n.id}`} data-entity={n.id}>
                  {expanded.has(n.id) ? '−' : '+'}
                </button>{' '}
                <a href={href('graph', n.id)}>{n.key}</a> <span className="muted small">{n.type}</span>
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}

function normaliseId(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  return trimmed.includes(':') ? trimmed : `User:${trimmed}`;
}

function nodeElement(node: GraphNode): ElementDefinition {
  let colour = '#8a8f98';
  if (node.type === 'User') colour = LEVEL_COLOUR[node.riskLevel ?? 'LOW'] ?? colour;
  if (node.type === 'Asset') colour = criticalityColour(node.criticality ?? 1);
  if (node.type === 'Application') colour = '#4a7fb5';
  if (node.type === 'Device' && node.malwareAt) colour = '#d23c3c';
  const size = node.type === 'User' ? 22 + Math.min(100, node.riskScore ?? 0) / 5 : 22;
  return {
    group: 'nodes',
    data: { id: node.id, label: node.key, colour, size, shape: SHAPES[node.type] ?? 'ellipse', entity: node },
  };
}

function edgeElement(center: GraphNode, edge: NeighbourEdge): ElementDefinition {
  // ACCESSED runs from the user to the entity; between two users it is REPORTS_TO.
  const userIsCenter = center.type === 'User' && edge.node.type !== 'User';
  const source = userIsCenter || center.type === 'User' ? center.id : edge.node.id;
  const target = source === center.id ? edge.node.id : center.id;
  const count = edge.access?.count ?? 0;
  const width = edge.access ? 1 + Math.min(9, Math.log2(1 + count)) : 1;
  const classes = edge.access === null ? 'reports' : count <= RARE_COUNT ? 'rare' : '';
  return {
    group: 'edges',
    data: { id: `${source}->${target}`, source, target, width, label: edge.access ? String(count) : 'reports to' },
    classes,
  };
}

function criticalityColour(criticality: number): string {
  // 1 (normal) light purple → 10 deep purple.
  const t = Math.min(1, Math.max(0, Math.log10(Math.max(criticality, 0.1)) + 0.3) / 1.3);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(190, 80)}, ${mix(170, 30)}, ${mix(225, 140)})`;
}

const SHAPES: Record<string, string> = { User: 'ellipse', Asset: 'round-rectangle', Application: 'diamond', Device: 'hexagon' };

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(colour)',
      label: 'data(label)',
      width: 'data(size)',
      height: 'data(size)',
      shape: 'data(shape)' as never,
      'font-size': 10,
      color: '#e6e8ee',
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-outline-color': '#14161c',
      'text-outline-width': 2,
      'border-width': 1,
      'border-color': '#14161c',
    },
  },
  { selector: 'node.expanded', style: { 'border-width': 2, 'border-color': '#e6e8ee' } },
  { selector: 'node.start', style: { 'border-width': 4, 'border-color': '#ffd166' } },
  { selector: 'node.on-path', style: { 'border-width': 4, 'border-color': '#4cc9f0' } },
  { selector: 'node:selected', style: { 'overlay-opacity': 0.2, 'overlay-color': '#ffffff' } },
  {
    selector: 'edge',
    style: {
      width: 'data(width)',
      'line-color': '#59606e',
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#59606e',
      'arrow-scale': 0.6,
      label: 'data(label)',
      'font-size': 8,
      color: '#a9afbc',
      'text-rotation': 'autorotate',
      'text-background-color': '#14161c',
      'text-background-opacity': 0.8,
      'text-background-padding': '1px',
    },
  },
  { selector: 'edge.rare', style: { 'line-style': 'dashed', 'line-color': '#e07b28', 'target-arrow-color': '#e07b28' } },
  { selector: 'edge.reports', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
  { selector: 'edge.on-path', style: { 'line-color': '#4cc9f0', 'target-arrow-color': '#4cc9f0' } },
];
