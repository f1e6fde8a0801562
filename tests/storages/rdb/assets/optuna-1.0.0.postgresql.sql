--
-- PostgreSQL database dump
--

\restrict uJ8zgQ1icKiJ4MkCgdGsibrPEar5dtgi9TZ3Pnj5dog8lkth7QJJ4WggSW4DOuU

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: studydirection; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.studydirection AS ENUM (
    'NOT_SET',
    'MINIMIZE',
    'MAXIMIZE'
);


--
-- Name: trialstate; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.trialstate AS ENUM (
    'RUNNING',
    'COMPLETE',
    'PRUNED',
    'FAIL'
);


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: studies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.studies (
    study_id integer NOT NULL,
    study_name character varying(512) NOT NULL,
    direction public.studydirection NOT NULL
);


--
-- Name: studies_study_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.studies_study_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: studies_study_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.studies_study_id_seq OWNED BY public.studies.study_id;


--
-- Name: study_system_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_system_attributes (
    study_system_attribute_id integer NOT NULL,
    study_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: study_system_attributes_study_system_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.study_system_attributes_study_system_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: study_system_attributes_study_system_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.study_system_attributes_study_system_attribute_id_seq OWNED BY public.study_system_attributes.study_system_attribute_id;


--
-- Name: study_user_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_user_attributes (
    study_user_attribute_id integer NOT NULL,
    study_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: study_user_attributes_study_user_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.study_user_attributes_study_user_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: study_user_attributes_study_user_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.study_user_attributes_study_user_attribute_id_seq OWNED BY public.study_user_attributes.study_user_attribute_id;


--
-- Name: trial_params; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_params (
    param_id integer NOT NULL,
    trial_id integer,
    param_name character varying(512),
    param_value double precision,
    distribution_json character varying(2048)
);


--
-- Name: trial_params_param_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_params_param_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_params_param_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_params_param_id_seq OWNED BY public.trial_params.param_id;


--
-- Name: trial_system_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_system_attributes (
    trial_system_attribute_id integer NOT NULL,
    trial_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: trial_system_attributes_trial_system_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_system_attributes_trial_system_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_system_attributes_trial_system_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_system_attributes_trial_system_attribute_id_seq OWNED BY public.trial_system_attributes.trial_system_attribute_id;


--
-- Name: trial_user_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_user_attributes (
    trial_user_attribute_id integer NOT NULL,
    trial_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: trial_user_attributes_trial_user_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_user_attributes_trial_user_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_user_attributes_trial_user_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_user_attributes_trial_user_attribute_id_seq OWNED BY public.trial_user_attributes.trial_user_attribute_id;


--
-- Name: trial_values; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_values (
    trial_value_id integer NOT NULL,
    trial_id integer,
    step integer,
    value double precision
);


--
-- Name: trial_values_trial_value_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_values_trial_value_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_values_trial_value_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_values_trial_value_id_seq OWNED BY public.trial_values.trial_value_id;


--
-- Name: trials; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trials (
    trial_id integer NOT NULL,
    study_id integer,
    state public.trialstate NOT NULL,
    value double precision,
    datetime_start timestamp without time zone,
    datetime_complete timestamp without time zone
);


--
-- Name: trials_trial_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trials_trial_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trials_trial_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trials_trial_id_seq OWNED BY public.trials.trial_id;


--
-- Name: version_info; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_info (
    version_info_id integer NOT NULL,
    schema_version integer,
    library_version character varying(256),
    CONSTRAINT version_info_version_info_id_check CHECK ((version_info_id = 1))
);


--
-- Name: studies study_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.studies ALTER COLUMN study_id SET DEFAULT nextval('public.studies_study_id_seq'::regclass);


--
-- Name: study_system_attributes study_system_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes ALTER COLUMN study_system_attribute_id SET DEFAULT nextval('public.study_system_attributes_study_system_attribute_id_seq'::regclass);


--
-- Name: study_user_attributes study_user_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes ALTER COLUMN study_user_attribute_id SET DEFAULT nextval('public.study_user_attributes_study_user_attribute_id_seq'::regclass);


--
-- Name: trial_params param_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params ALTER COLUMN param_id SET DEFAULT nextval('public.trial_params_param_id_seq'::regclass);


--
-- Name: trial_system_attributes trial_system_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes ALTER COLUMN trial_system_attribute_id SET DEFAULT nextval('public.trial_system_attributes_trial_system_attribute_id_seq'::regclass);


--
-- Name: trial_user_attributes trial_user_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes ALTER COLUMN trial_user_attribute_id SET DEFAULT nextval('public.trial_user_attributes_trial_user_attribute_id_seq'::regclass);


--
-- Name: trial_values trial_value_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values ALTER COLUMN trial_value_id SET DEFAULT nextval('public.trial_values_trial_value_id_seq'::regclass);


--
-- Name: trials trial_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials ALTER COLUMN trial_id SET DEFAULT nextval('public.trials_trial_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('v0.9.0.a');


--
-- Data for Name: studies; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.studies VALUES (1, 'single', 'MINIMIZE');
INSERT INTO public.studies VALUES (2, 'second', 'MAXIMIZE');


--
-- Data for Name: study_system_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.study_system_attributes VALUES (1, 1, 'sys_note', '{"release": "1.0.0"}');


--
-- Data for Name: study_user_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.study_user_attributes VALUES (1, 1, 'owner', '"golden"');


--
-- Data for Name: trial_params; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_params VALUES (1, 1, 'x', -8.473834212520856, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (2, 1, 'lx', 0.21865347140571711, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (3, 1, 'q', 0.5, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (4, 1, 'i', 7, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (5, 1, 'c', 3, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (6, 2, 'x', 9.559790239932052, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (7, 2, 'lx', 0.04125604681688552, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (8, 2, 'q', 0.5, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (9, 2, 'i', 10, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (10, 2, 'c', 2, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (11, 3, 'x', -9.681792780774462, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (12, 3, 'lx', 0.03830843272289771, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (13, 3, 'q', 1, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (14, 3, 'i', 7, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (15, 3, 'c', 0, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (16, 4, 'x', -2.141153802583167, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (17, 4, 'lx', 0.10543656989021541, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (18, 4, 'q', 0.75, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (19, 4, 'i', 5, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (20, 4, 'c', 0, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (21, 5, 'x', 8.624120393780434, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (22, 5, 'lx', 0.0011876751853526623, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (23, 5, 'q', 0.75, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (24, 5, 'i', 0, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (25, 5, 'c', 2, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (26, 6, 'x', -5.3939424195807035, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (27, 6, 'lx', 0.044204833356897774, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (28, 6, 'q', 1, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (29, 6, 'i', 9, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (30, 6, 'c', 3, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (31, 7, 'x', 0.4682516134753172, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (32, 7, 'lx', 0.17833212198767, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (33, 7, 'q', 0.75, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (34, 7, 'i', 0, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (35, 7, 'c', 0, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (36, 8, 'x', -5.903018194044098, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (37, 8, 'lx', 0.02966864194054834, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (38, 8, 'q', 0.25, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (39, 8, 'i', 7, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}');
INSERT INTO public.trial_params VALUES (40, 8, 'c', 3, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (41, 9, 'x', 1.5, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (42, 10, 'y', 0.07630828937395717, '{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (43, 11, 'y', 0.7799187922401146, '{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}');


--
-- Data for Name: trial_system_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_system_attributes VALUES (1, 1, '_number', '0');
INSERT INTO public.trial_system_attributes VALUES (2, 1, 'sys', '[0, "s"]');
INSERT INTO public.trial_system_attributes VALUES (3, 2, '_number', '1');
INSERT INTO public.trial_system_attributes VALUES (4, 2, 'sys', '[1, "s"]');
INSERT INTO public.trial_system_attributes VALUES (5, 3, '_number', '2');
INSERT INTO public.trial_system_attributes VALUES (6, 3, 'sys', '[2, "s"]');
INSERT INTO public.trial_system_attributes VALUES (7, 4, '_number', '3');
INSERT INTO public.trial_system_attributes VALUES (8, 4, 'sys', '[3, "s"]');
INSERT INTO public.trial_system_attributes VALUES (9, 4, 'fail_reason', '"Setting status of trial#3 as TrialState.FAIL because of the following error: ValueError(''this trial fails on purpose'')"');
INSERT INTO public.trial_system_attributes VALUES (10, 5, '_number', '4');
INSERT INTO public.trial_system_attributes VALUES (11, 5, 'sys', '[4, "s"]');
INSERT INTO public.trial_system_attributes VALUES (12, 6, '_number', '5');
INSERT INTO public.trial_system_attributes VALUES (13, 6, 'sys', '[5, "s"]');
INSERT INTO public.trial_system_attributes VALUES (14, 7, '_number', '6');
INSERT INTO public.trial_system_attributes VALUES (15, 7, 'sys', '[6, "s"]');
INSERT INTO public.trial_system_attributes VALUES (16, 8, '_number', '7');
INSERT INTO public.trial_system_attributes VALUES (17, 8, 'sys', '[7, "s"]');
INSERT INTO public.trial_system_attributes VALUES (18, 9, '_number', '8');
INSERT INTO public.trial_system_attributes VALUES (19, 10, '_number', '0');
INSERT INTO public.trial_system_attributes VALUES (20, 11, '_number', '1');


--
-- Data for Name: trial_user_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_user_attributes VALUES (1, 1, 'double_x', '-16.947668425041712');
INSERT INTO public.trial_user_attributes VALUES (2, 2, 'double_x', '19.119580479864105');
INSERT INTO public.trial_user_attributes VALUES (3, 3, 'double_x', '-19.363585561548923');
INSERT INTO public.trial_user_attributes VALUES (4, 4, 'double_x', '-4.282307605166334');
INSERT INTO public.trial_user_attributes VALUES (5, 5, 'double_x', '17.248240787560867');
INSERT INTO public.trial_user_attributes VALUES (6, 6, 'double_x', '-10.787884839161407');
INSERT INTO public.trial_user_attributes VALUES (7, 7, 'double_x', '0.9365032269506344');
INSERT INTO public.trial_user_attributes VALUES (8, 8, 'double_x', '-11.806036388088197');
INSERT INTO public.trial_user_attributes VALUES (9, 9, 'running', 'true');


--
-- Data for Name: trial_values; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_values VALUES (1, 1, 0, -8.473834212520856);
INSERT INTO public.trial_values VALUES (2, 1, 1, -8.255180741115138);
INSERT INTO public.trial_values VALUES (3, 1, 2, -8.036527269709422);
INSERT INTO public.trial_values VALUES (4, 2, 0, 9.559790239932052);
INSERT INTO public.trial_values VALUES (5, 2, 1, 9.601046286748938);
INSERT INTO public.trial_values VALUES (6, 2, 2, 9.642302333565823);
INSERT INTO public.trial_values VALUES (7, 3, 0, -9.681792780774462);
INSERT INTO public.trial_values VALUES (8, 3, 1, -9.643484348051564);
INSERT INTO public.trial_values VALUES (9, 3, 2, -9.605175915328667);
INSERT INTO public.trial_values VALUES (10, 4, 0, -2.141153802583167);
INSERT INTO public.trial_values VALUES (11, 4, 1, -2.0357172326929516);
INSERT INTO public.trial_values VALUES (12, 4, 2, -1.9302806628027362);
INSERT INTO public.trial_values VALUES (13, 5, 0, 8.624120393780434);
INSERT INTO public.trial_values VALUES (14, 5, 1, 8.625308068965786);
INSERT INTO public.trial_values VALUES (15, 5, 2, 8.62649574415114);
INSERT INTO public.trial_values VALUES (16, 5, 10, 'Infinity');
INSERT INTO public.trial_values VALUES (17, 5, 11, '-Infinity');
INSERT INTO public.trial_values VALUES (18, 5, 12, 'NaN');
INSERT INTO public.trial_values VALUES (19, 5, 13, 1e+300);
INSERT INTO public.trial_values VALUES (20, 6, 0, -5.3939424195807035);
INSERT INTO public.trial_values VALUES (21, 6, 1, -5.349737586223806);
INSERT INTO public.trial_values VALUES (22, 6, 2, -5.305532752866908);
INSERT INTO public.trial_values VALUES (23, 7, 0, 0.4682516134753172);
INSERT INTO public.trial_values VALUES (24, 7, 1, 0.6465837354629872);
INSERT INTO public.trial_values VALUES (25, 7, 2, 0.8249158574506572);
INSERT INTO public.trial_values VALUES (26, 8, 0, -5.903018194044098);
INSERT INTO public.trial_values VALUES (27, 8, 1, -5.87334955210355);
INSERT INTO public.trial_values VALUES (28, 8, 2, -5.843680910163002);
INSERT INTO public.trial_values VALUES (29, 9, 0, 0.125);


--
-- Data for Name: trials; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trials VALUES (1, 1, 'COMPLETE', 80.52451973269467, '2026-12-06 02:13:09.789086', '2026-12-06 02:13:09.939813');
INSERT INTO public.trials VALUES (2, 1, 'COMPLETE', 101.93084547831701, '2026-12-06 02:13:09.955035', '2026-12-06 02:13:10.052045');
INSERT INTO public.trials VALUES (3, 1, 'PRUNED', -9.605175915328667, '2026-12-06 02:13:10.060922', '2026-12-06 02:13:10.127539');
INSERT INTO public.trials VALUES (4, 1, 'FAIL', -1.9302806628027362, '2026-12-06 02:13:10.145069', '2026-12-06 02:13:10.215083');
INSERT INTO public.trials VALUES (5, 1, 'COMPLETE', 75.12664024160493, '2026-12-06 02:13:10.232825', '2026-12-06 02:13:10.335944');
INSERT INTO public.trials VALUES (6, 1, 'COMPLETE', 'Infinity', '2026-12-06 02:13:10.347075', '2026-12-06 02:13:10.456695');
INSERT INTO public.trials VALUES (7, 1, 'COMPLETE', '-Infinity', '2026-12-06 02:13:10.47151', '2026-12-06 02:13:10.582897');
INSERT INTO public.trials VALUES (8, 1, 'COMPLETE', 43.1252924411562, '2026-12-06 02:13:10.593736', '2026-12-06 02:13:10.678875');
INSERT INTO public.trials VALUES (9, 1, 'RUNNING', NULL, '2026-12-06 02:13:10.686716', NULL);
INSERT INTO public.trials VALUES (10, 2, 'COMPLETE', 0.07630828937395717, '2026-12-06 02:13:10.727897', '2026-12-06 02:13:10.766225');
INSERT INTO public.trials VALUES (11, 2, 'COMPLETE', 0.7799187922401146, '2026-12-06 02:13:10.77713', '2026-12-06 02:13:10.809979');


--
-- Data for Name: version_info; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.version_info VALUES (1, 12, '1.0.0');


--
-- Name: studies_study_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.studies_study_id_seq', 2, true);


--
-- Name: study_system_attributes_study_system_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.study_system_attributes_study_system_attribute_id_seq', 1, true);


--
-- Name: study_user_attributes_study_user_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.study_user_attributes_study_user_attribute_id_seq', 1, true);


--
-- Name: trial_params_param_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_params_param_id_seq', 43, true);


--
-- Name: trial_system_attributes_trial_system_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_system_attributes_trial_system_attribute_id_seq', 20, true);


--
-- Name: trial_user_attributes_trial_user_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_user_attributes_trial_user_attribute_id_seq', 9, true);


--
-- Name: trial_values_trial_value_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_values_trial_value_id_seq', 29, true);


--
-- Name: trials_trial_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trials_trial_id_seq', 11, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: studies studies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.studies
    ADD CONSTRAINT studies_pkey PRIMARY KEY (study_id);


--
-- Name: study_system_attributes study_system_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes
    ADD CONSTRAINT study_system_attributes_pkey PRIMARY KEY (study_system_attribute_id);


--
-- Name: study_system_attributes study_system_attributes_study_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes
    ADD CONSTRAINT study_system_attributes_study_id_key_key UNIQUE (study_id, key);


--
-- Name: study_user_attributes study_user_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes
    ADD CONSTRAINT study_user_attributes_pkey PRIMARY KEY (study_user_attribute_id);


--
-- Name: study_user_attributes study_user_attributes_study_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes
    ADD CONSTRAINT study_user_attributes_study_id_key_key UNIQUE (study_id, key);


--
-- Name: trial_params trial_params_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params
    ADD CONSTRAINT trial_params_pkey PRIMARY KEY (param_id);


--
-- Name: trial_params trial_params_trial_id_param_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params
    ADD CONSTRAINT trial_params_trial_id_param_name_key UNIQUE (trial_id, param_name);


--
-- Name: trial_system_attributes trial_system_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes
    ADD CONSTRAINT trial_system_attributes_pkey PRIMARY KEY (trial_system_attribute_id);


--
-- Name: trial_system_attributes trial_system_attributes_trial_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes
    ADD CONSTRAINT trial_system_attributes_trial_id_key_key UNIQUE (trial_id, key);


--
-- Name: trial_user_attributes trial_user_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes
    ADD CONSTRAINT trial_user_attributes_pkey PRIMARY KEY (trial_user_attribute_id);


--
-- Name: trial_user_attributes trial_user_attributes_trial_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes
    ADD CONSTRAINT trial_user_attributes_trial_id_key_key UNIQUE (trial_id, key);


--
-- Name: trial_values trial_values_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values
    ADD CONSTRAINT trial_values_pkey PRIMARY KEY (trial_value_id);


--
-- Name: trial_values trial_values_trial_id_step_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values
    ADD CONSTRAINT trial_values_trial_id_step_key UNIQUE (trial_id, step);


--
-- Name: trials trials_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials
    ADD CONSTRAINT trials_pkey PRIMARY KEY (trial_id);


--
-- Name: version_info version_info_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_info
    ADD CONSTRAINT version_info_pkey PRIMARY KEY (version_info_id);


--
-- Name: ix_studies_study_name; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_studies_study_name ON public.studies USING btree (study_name);


--
-- Name: study_system_attributes study_system_attributes_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes
    ADD CONSTRAINT study_system_attributes_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- Name: study_user_attributes study_user_attributes_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes
    ADD CONSTRAINT study_user_attributes_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- Name: trial_params trial_params_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params
    ADD CONSTRAINT trial_params_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_system_attributes trial_system_attributes_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes
    ADD CONSTRAINT trial_system_attributes_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_user_attributes trial_user_attributes_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes
    ADD CONSTRAINT trial_user_attributes_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_values trial_values_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values
    ADD CONSTRAINT trial_values_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trials trials_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials
    ADD CONSTRAINT trials_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- PostgreSQL database dump complete
--

\unrestrict uJ8zgQ1icKiJ4MkCgdGsibrPEar5dtgi9TZ3Pnj5dog8lkth7QJJ4WggSW4DOuU

